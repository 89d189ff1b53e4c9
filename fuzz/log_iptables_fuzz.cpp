// Fuzzes the iptables log reader (and, through it, the syslog header parser it uses), and
// checks on every line that the one-pass field reader agrees with the general field search
// whenever it accepts a line.
#include <cstdlib>
#include <string_view>

#include "log_reader_fuzz.h"
#include "logs/iptables_reader.h"

namespace {

void check_fast_path(std::string_view text) {
  using namespace callhome::iptables_detail;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    const size_t in = find_in(line);
    if (in == std::string_view::npos) continue;
    callhome::Connection general, fast;
    fast.history = "stale";
    fast.orig_p = 7;
    const char* why = read_packet(line, in, general);
    if (read_packet_fast(line, in, fast) && (why != nullptr || !same_packet(general, fast))) {
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  check_fast_path(std::string_view(reinterpret_cast<const char*>(data), size));
  return callhome::fuzz::run_reader(data, size, callhome::sniff_iptables, callhome::read_iptables);
}
