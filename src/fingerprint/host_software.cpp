#include "fingerprint/host_software.h"

namespace callhome {
namespace {

using nlohmann::json;

json evidence(const Provenance& p, const std::function<std::string(const Provenance&)>& ref) {
  return {{"input", p.input}, {"ref", ref ? json(ref(p)) : json(p.ref)}};
}

json or_null(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

}  // namespace

json to_json(const HostSoftware& h, const std::function<std::string(const Provenance&)>& ref) {
  json os = json::array();
  for (const auto& o : h.os) {
    os.push_back({{"seen_in", o.syn_ack ? "syn+ack" : "syn"},
                  {"guess", or_null(o.guess)},
                  {"class", or_null(o.os_class)},
                  {"tool", o.tool},
                  {"match", o.match},
                  {"ttl_distance", o.ttl_distance},
                  {"ttl_distance_at_most", o.ttl_at_most},
                  {"signature", or_null(o.signature)},
                  {"signature_line", o.signature_line ? json(o.signature_line) : json(nullptr)},
                  {"observed", o.observed},
                  {"packets", o.packets},
                  {"first_ts", o.first_ts},
                  {"last_ts", o.last_ts},
                  {"evidence", evidence(o.first, ref)}});
  }
  json tls = json::array();
  for (const auto& t : h.tls_clients) {
    tls.push_back({{"ja3", t.ja3},
                   {"ja4", t.ja4},
                   {"client", or_null(t.client)},
                   {"client_category", or_null(t.client_category)},
                   {"client_source", or_null(t.client_source)},
                   {"connections", t.connections},
                   {"destinations", t.destinations},
                   {"destinations_dropped", t.destinations_dropped},
                   {"rare", t.rare},
                   {"first_ts", t.first_ts},
                   {"last_ts", t.last_ts},
                   {"evidence", evidence(t.first, ref)}});
  }
  json uas = json::array();
  for (const auto& u : h.user_agents) {
    uas.push_back({{"user_agent", u.user_agent},
                   {"product", or_null(u.product)},
                   {"version", or_null(u.version)},
                   {"os", or_null(u.os)},
                   {"category", or_null(u.category)},
                   {"known", or_null(u.known)},
                   {"known_source", or_null(u.known_source)},
                   {"requests", u.requests},
                   {"evidence", evidence(u.first, ref)}});
  }
  json icmp = json::array();
  for (const auto& i : h.icmp_echo) {
    icmp.push_back({{"origin", i.origin},
                    {"description", i.description},
                    {"detail", i.detail},
                    {"payload_bytes", i.payload_bytes},
                    {"packets", i.packets},
                    {"targets", i.targets},
                    {"targets_dropped", i.targets_dropped},
                    {"first_ts", i.first_ts},
                    {"last_ts", i.last_ts},
                    {"evidence", evidence(i.first, ref)}});
  }
  json out = {{"host", h.host.to_string()},
              {"os", os},
              {"tls_clients", tls},
              {"user_agents", uas},
              {"icmp_echo", icmp}};
  const auto& d = h.dropped;
  if (d.os || d.tls_clients || d.user_agents || d.icmp_echo) {
    out["caps_reached"] = {{"os", d.os},
                           {"tls_clients", d.tls_clients},
                           {"user_agents", d.user_agents},
                           {"icmp_echo", d.icmp_echo}};
  }
  return out;
}

}  // namespace callhome
