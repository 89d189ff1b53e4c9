// Fuzzes what decides whether an existing folder may be replaced by a report: the reading of a
// manifest.json found there (any bytes a previous run, a user or an attacker left), and the
// recognition of callhome's temporary names, which input walks skip.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "report/output_file.h"
#include "report/report_folder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  volatile bool ours = callhome::is_callhome_manifest(text);
  volatile bool temp = callhome::is_temporary_name(text);
  (void)ours;
  (void)temp;
  return 0;
}
