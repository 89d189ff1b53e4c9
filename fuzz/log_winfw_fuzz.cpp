// Fuzzes the Windows Firewall (pfirewall.log) reader.
#include "log_reader_fuzz.h"
#include "logs/winfw_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return callhome::fuzz::run_reader(data, size, callhome::sniff_winfw, callhome::read_winfw);
}
