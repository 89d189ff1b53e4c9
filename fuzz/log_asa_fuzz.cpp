// Fuzzes the asa log reader (and, through it, the syslog header parser it uses).
#include "log_reader_fuzz.h"
#include "logs/asa_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return callhome::fuzz::run_reader(data, size, callhome::sniff_asa, callhome::read_asa);
}
