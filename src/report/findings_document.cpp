#include "report/findings_document.h"

namespace callhome {

std::string evidence_ref(const InputReport& input, uint64_t ref) {
  const bool capture = input.format == "pcap" || input.format == "pcapng";
  return (capture ? "packet " : "line ") + std::to_string(ref);
}

nlohmann::json findings_document(const std::vector<InputReport>& inputs,
                                 const std::vector<Finding>& findings,
                                 const std::vector<Incident>& incidents,
                                 const std::vector<HostSoftware>& software) {
  using nlohmann::json;
  json doc = {{"tool", "callhome"}, {"version", CALLHOME_VERSION}};
  json in = json::array();
  for (const auto& r : inputs) {
    json problems = json::array();
    for (const auto& p : r.problems) {
      problems.push_back({{"ref", p.ref ? json(evidence_ref(r, p.ref)) : json(nullptr)},
                          {"offset", p.offset},
                          {"what", p.what}});
    }
    in.push_back({{"path", r.path},
                  {"format", r.format},
                  {"sha256", r.sha256},
                  {"bytes", r.bytes},
                  {"records", r.records},
                  {"rejected", r.rejected},
                  {"first_ts", r.first_ts},
                  {"last_ts", r.last_ts},
                  {"problems", problems}});
  }
  doc["inputs"] = in;
  json fs = json::array();
  for (const auto& f : findings) {
    json ev = json::array();
    for (const auto& e : f.evidence) {
      json item = {{"input", e.prov.input}, {"what", e.what}};
      item["ref"] = e.prov.input < inputs.size() ? evidence_ref(inputs[e.prov.input], e.prov.ref)
                                                 : std::to_string(e.prov.ref);
      ev.push_back(item);
    }
    fs.push_back({{"id", f.id},
                  {"kind", to_string(f.kind)},
                  {"severity", to_string(f.severity)},
                  {"host", f.host.to_string()},
                  {"first_ts", f.first_ts},
                  {"last_ts", f.last_ts},
                  {"summary", f.summary},
                  {"attributes", attributes_json(f)},
                  {"notes", f.notes},
                  {"evidence", ev}});
  }
  doc["findings"] = fs;
  json incs = json::array();
  for (const auto& inc : incidents) {
    json hyps = json::array();
    for (const auto& h : inc.hypotheses) {
      hyps.push_back({{"name", h.name},
                      {"confidence", h.confidence},
                      {"explanation", h.explanation},
                      {"evidence_for", h.evidence_for},
                      {"evidence_against", h.evidence_against}});
    }
    json related = json::array();
    for (const auto& r : inc.related_hosts) related.push_back(r.to_string());
    incs.push_back({{"host", inc.host.to_string()},
                    {"severity", to_string(inc.severity)},
                    {"first_ts", inc.first_ts},
                    {"last_ts", inc.last_ts},
                    {"findings", inc.findings},
                    {"hypotheses", hyps},
                    {"actions", inc.actions},
                    {"related_hosts", related},
                    {"related_count", inc.related_count},
                    {"headline", inc.headline}});
  }
  doc["incidents"] = incs;
  json sw = json::array();
  const auto ref = [&inputs](const Provenance& p) {
    return p.input < inputs.size() ? evidence_ref(inputs[p.input], p.ref) : std::to_string(p.ref);
  };
  for (const auto& h : software) sw.push_back(to_json(h, ref));
  doc["software"] = sw;
  return doc;
}

}  // namespace callhome
