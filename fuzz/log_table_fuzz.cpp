// Fuzzes the delimited-table reader: CSV quoting, Markdown rows, dates in many forms.
#include "log_reader_fuzz.h"
#include "logs/table_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return callhome::fuzz::run_reader(data, size, callhome::sniff_table, callhome::read_table);
}
