// Fuzzes the Suricata eve.json sniffer and reader.
#include "log_reader_fuzz.h"
#include "logs/eve_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return callhome::fuzz::run_reader(data, size, callhome::sniff_eve, callhome::read_eve);
}
