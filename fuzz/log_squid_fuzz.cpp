// Fuzzes the Squid access.log sniffer and reader (native and common/combined lines).
#include "log_reader_fuzz.h"
#include "logs/squid_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return callhome::fuzz::run_reader(data, size, callhome::sniff_squid, callhome::read_squid);
}
