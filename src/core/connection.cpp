#include "core/connection.h"

#include <array>

namespace callhome {
namespace {
constexpr std::array<const char*, 14> kStateNames = {"-",     "S0", "S1",   "SF",   "REJ",
                                                     "S2",    "S3", "RSTO", "RSTR", "RSTOS0",
                                                     "RSTRH", "SH", "SHR",  "OTH"};
}

const char* to_string(ConnState s) {
  return kStateNames[static_cast<size_t>(s)];
}

ConnState conn_state_from_string(std::string_view s) {
  for (size_t i = 1; i < kStateNames.size(); ++i) {
    if (s == kStateNames[i]) return static_cast<ConnState>(i);
  }
  return ConnState::none;
}

const char* to_string(Action a) {
  switch (a) {
    case Action::allowed:
      return "allowed";
    case Action::blocked:
      return "blocked";
    default:
      return "unknown";
  }
}

const char* transport_name(uint8_t ip_proto) {
  switch (ip_proto) {
    case kProtoTcp:
      return "tcp";
    case kProtoUdp:
      return "udp";
    case kProtoIcmp:
    case kProtoIcmp6:
      return "icmp";
    default:
      return "unknown_transport";
  }
}

bool is_failed_attempt(const Connection& c) {
  switch (c.state) {
    case ConnState::S0:
    case ConnState::REJ:
    case ConnState::RSTOS0:
    case ConnState::RSTRH:
    case ConnState::SH:
    case ConnState::SHR:
      return c.history.find_first_of("Dd") == std::string::npos;
    default:
      return false;
  }
}

}  // namespace callhome
