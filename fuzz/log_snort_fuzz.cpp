// Fuzzes the Snort fast alert sniffer and reader.
#include "log_reader_fuzz.h"
#include "logs/snort_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return callhome::fuzz::run_reader(data, size, callhome::sniff_snort, callhome::read_snort);
}
