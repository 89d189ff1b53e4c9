// Fuzzes the filterlog log reader (and, through it, the syslog header parser it uses).
#include "log_reader_fuzz.h"
#include "logs/filterlog_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return callhome::fuzz::run_reader(data, size, callhome::sniff_filterlog,
                                    callhome::read_filterlog);
}
