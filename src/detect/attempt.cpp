#include "detect/attempt.h"

#include <fmt/format.h>

#include "detect/probe.h"

namespace callhome {

Outcome outcome_of(const Connection& c) {
  if (c.action == Action::blocked) return Outcome::blocked;
  if (c.state == ConnState::none) return Outcome::unknown;
  if (c.ip_proto == kProtoTcp) {
    // A FIN or NULL probe answered with a RST reads RSTR or OTH, not a failed handshake: the
    // port refused all the same.
    return is_failed_attempt(c) || is_stealth_probe(c) ? Outcome::failed : Outcome::answered;
  }
  return c.resp_pkts > 0 ? Outcome::answered : Outcome::failed;
}

bool outcome_unrecorded(const Connection& c) {
  return c.action == Action::unknown && c.state == ConnState::none && !c.has_counts &&
         !c.has_bytes && !c.has_duration && c.history.empty() && c.service.empty() &&
         !c.has_tcp_flags && !c.has_icmp_error;
}

const char* describe(Outcome o) {
  switch (o) {
    case Outcome::failed:
      return "no answer or refused";
    case Outcome::blocked:
      return "blocked";
    case Outcome::answered:
      return "answered";
    default:
      return "outcome unknown";
  }
}

bool is_common_client_port(uint16_t port) {
  switch (port) {
    case 25:
    case 53:
    case 80:
    case 123:
    case 443:
    case 587:
    case 993:
    case 3128:
    case 8080:
      return true;
    default:
      return false;
  }
}

std::string network_label(const Address& a) {
  const auto& b = a.bytes();
  if (a.is_v4()) return fmt::format("{}.{}", b[12], b[13]);
  return fmt::format("{:02x}{:02x}:{:02x}{:02x}:{:02x}{:02x}", b[0], b[1], b[2], b[3], b[4], b[5]);
}

}  // namespace callhome
