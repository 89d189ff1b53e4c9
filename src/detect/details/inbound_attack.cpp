#include "detect/details/inbound_attack.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/connection.h"

namespace callhome {
namespace {

std::string port_text(const InboundAttackDetails::Port& p) {
  if (p.proto != kProtoTcp && p.proto != kProtoUdp) return fmt::format("IP protocol {}", p.proto);
  return fmt::format("{}/{}", p.port, transport_name(p.proto));
}

}  // namespace

void to_json(nlohmann::json& out, const InboundAttackDetails& d) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : d.top_attackers) {
    nlohmann::json sample = nlohmann::json::array();
    for (const auto& p : a.sample_ports) sample.push_back(port_text(p));
    list.push_back({{"attacker", a.attacker.to_string()},
                    {"targets", a.targets},
                    {"ports", a.ports},
                    {"answered_ports", a.answered_ports},
                    {"attempts", a.attempts},
                    {"answered", a.answered},
                    {"sessions", a.sessions},
                    {"duration_s", a.duration_s},
                    {"sample_ports", sample}});
  }
  out = {{"direction", to_string(d.direction)},
         {"attacker", d.attacker.to_string()},
         {"targets", d.targets},
         {"ports", d.ports},
         {"attempts", d.attempts},
         {"answered", d.answered},
         {"sessions", d.sessions},
         {"duration_s", d.duration_s},
         {"attackers", d.attackers},
         {"total_attempts", d.total_attempts},
         {"total_answered", d.total_answered},
         {"total_sessions", d.total_sessions},
         {"top_attackers", list}};
}

}  // namespace callhome
