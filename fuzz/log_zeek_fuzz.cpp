// Fuzzes the Zeek log sniffer and reader (TSV with #fields headers, and JSON lines).
#include "log_reader_fuzz.h"
#include "logs/zeek_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return callhome::fuzz::run_reader(data, size, callhome::sniff_zeek, callhome::read_zeek);
}
