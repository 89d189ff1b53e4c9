#include <fmt/format.h>

#include <map>

#include "report/escape.h"
#include "report/findings_document.h"
#include "report/html_report.h"
#include "report/text_report.h"

namespace callhome {

std::string render_markdown_report(const std::vector<InputReport>& inputs,
                                   const std::vector<Finding>& findings,
                                   const std::vector<Incident>& incidents) {
  std::string out;
  auto w = std::back_inserter(out);
  fmt::format_to(w,
                 "# Who is calling out\n\ncallhome {} · {} input(s) · {} finding(s) · {} "
                 "incident(s)\n",
                 CALLHOME_VERSION, inputs.size(), findings.size(), incidents.size());
  std::map<std::string, const Finding*> by_id;
  for (const auto& f : findings) by_id[f.id] = &f;
  for (size_t i = 0; i < incidents.size(); ++i) {
    const Incident& inc = incidents[i];
    fmt::format_to(w, "\n## {}. {} — {} ({} .. {})\n\n", i + 1, md_escape(inc.host.to_string()),
                   to_string(inc.severity), format_utc(inc.first_ts), format_utc(inc.last_ts));
    out += "| explanation | confidence | for | against |\n|---|---|---|---|\n";
    for (const auto& h : inc.hypotheses) {
      if (h.confidence < 0.01 && &h != &inc.hypotheses.front()) continue;
      std::string pro, con;
      for (const auto& e : h.evidence_for) pro += (pro.empty() ? "" : "; ") + md_escape(e);
      for (const auto& e : h.evidence_against) con += (con.empty() ? "" : "; ") + md_escape(e);
      fmt::format_to(w, "| **{}** | {:.0f}% | {} | {} |\n", md_escape(h.name), 100 * h.confidence,
                     pro, con);
    }
    if (!inc.related_hosts.empty()) {
      out += "\nSame story on:";
      for (const auto& h : inc.related_hosts) out += " `" + h.to_string() + "`";
      if (inc.related_count > inc.related_hosts.size()) {
        fmt::format_to(w, " and {} more", inc.related_count - inc.related_hosts.size());
      }
      out += "\n";
    }
    out += "\n**What to do**\n\n";
    for (size_t k = 0; k < inc.actions.size(); ++k) {
      fmt::format_to(w, "{}. {}\n", k + 1, md_escape(inc.actions[k]));
    }
    out += "\n**Findings**\n\n";
    for (const auto& id : inc.findings) {
      const Finding* f = by_id[id];
      if (!f) continue;
      fmt::format_to(w, "- {} *{}* **{}**: {}\n", md_escape(f->id), to_string(f->severity),
                     md_escape(to_string(f->kind)), md_escape(f->summary));
      for (size_t e = 0; e < f->evidence.size() && e < 5; ++e) {
        const auto& r = f->evidence[e];
        std::string where =
            r.prov.input < inputs.size()
                ? inputs[r.prov.input].path + " " + evidence_ref(inputs[r.prov.input], r.prov.ref)
                : std::to_string(r.prov.ref);
        fmt::format_to(w, "  - {}: {}\n", md_escape(where), md_escape(r.what));
      }
    }
  }
  out +=
      "\n## Inputs\n\n| file | format | bytes | records | rejected | SHA-256 |\n"
      "|---|---|---|---|---|---|\n";
  for (const auto& r : inputs) {
    fmt::format_to(w, "| {} | {} | {} | {} | {} | `{}` |\n", md_escape(r.path), md_escape(r.format),
                   r.bytes, r.records, r.rejected, md_escape(r.sha256));
  }
  return out;
}

}  // namespace callhome
