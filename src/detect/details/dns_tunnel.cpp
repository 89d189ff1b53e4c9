#include "detect/details/dns_tunnel.h"

#include <nlohmann/json.hpp>

#include "detect/dns_zone_stats.h"

namespace callhome {

void to_json(nlohmann::json& out, const DnsTunnelDetails& d) {
  nlohmann::json qtypes = nlohmann::json::object(), encodings = nlohmann::json::object();
  std::string buf;
  for (const auto& [t, n] : d.qtypes) qtypes[qtype_name(t, buf)] = n;
  for (const auto& [enc, n] : d.encodings) encodings[to_string(enc)] = n;
  std::vector<std::string> resolvers;
  for (const Address& a : d.resolvers) resolvers.push_back(a.to_string());
  nlohmann::json contacted = nullptr;
  if (d.answers_contacted) {
    contacted = {{"answers", d.answers_contacted->answers},
                 {"contacted", d.answers_contacted->contacted}};
  }
  out = {{"domain", d.domain},
         {"queries", d.queries},
         {"unique_names", d.unique_names},
         {"unique_names_exact", d.unique_names_exact},
         {"encoded_names", d.encoded_names},
         {"encoded_share", d.encoded_share},
         {"encodings", encodings},
         {"max_label_len", d.max_label_len},
         {"max_data_label_len", d.max_data_label_len},
         {"qtypes", qtypes},
         {"rcodes",
          {{"NXDOMAIN", d.rcodes.nxdomain},
           {"SERVFAIL", d.rcodes.servfail},
           {"unanswered", d.rcodes.unanswered}}},
         {"resolver", d.resolver ? d.resolver->to_string() : ""},
         {"resolvers", resolvers},
         {"interval_s", d.interval_s ? nlohmann::json(*d.interval_s) : nullptr},
         {"duration_s", d.duration_s},
         {"answers_contacted", contacted},
         {"sibling_domains", d.sibling_domains},
         {"reasons", d.reasons}};
}

}  // namespace callhome
