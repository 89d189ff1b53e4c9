#include "report/text_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "report/escape.h"
#include "report/findings_document.h"

namespace callhome {

std::string format_utc(double ts) {
  std::time_t t = std::time_t(ts);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

namespace {
std::string upper(const char* s) {
  std::string out(s);
  for (auto& c : out) c = char(std::toupper(static_cast<unsigned char>(c)));
  return out;
}
}  // namespace

std::string render_text_report(const std::vector<InputReport>& inputs,
                               const std::vector<Finding>& findings,
                               const std::vector<Incident>& incidents,
                               const TextReportOptions& options) {
  std::string out;
  auto w = std::back_inserter(out);
  uint64_t records = 0, rejected = 0;
  for (const auto& r : inputs) {
    records += r.records;
    rejected += r.rejected;
  }
  fmt::format_to(w,
                 "callhome {}: {} input(s), {} records ({} rejected), {} finding(s), {} "
                 "incident(s)\n",
                 CALLHOME_VERSION, inputs.size(), records, rejected, findings.size(),
                 incidents.size());
  if (incidents.empty()) {
    out += "\nNo host shows behaviour worth investigating.\n";
  }
  std::map<std::string, const Finding*> by_id;
  for (const auto& f : findings) by_id[f.id] = &f;
  const auto stories = group_stories(incidents);

  // At a glance: one line a story, most urgent first.
  if (!stories.empty()) out += "\nAt a glance\n";
  for (size_t s = 0; s < stories.size() && s < options.max_incidents; ++s) {
    const Incident& lead = incidents[stories[s].front()];
    std::string hosts;
    for (size_t k = 0; k < stories[s].size() && k < 3; ++k) {
      hosts += (k ? ", " : "") + incidents[stories[s][k]].host.to_string();
    }
    if (stories[s].size() > 3) hosts += fmt::format(" (+{} more)", stories[s].size() - 3);
    fmt::format_to(
        w, "  {:<8} {:<26} {} ({:.0f}%){}\n", upper(to_string(lead.severity)),
        stories[s].size() > 1 ? fmt::format("{} hosts", stories[s].size()) : lead.host.to_string(),
        lead.hypotheses.front().name, 100 * lead.hypotheses.front().confidence,
        stories[s].size() > 1 ? ": " + hosts : "");
  }

  // Then each story in full, told once on its first host.
  size_t shown = 0;
  for (const auto& story : stories) {
    if (shown++ >= options.max_incidents) break;
    const size_t i = story.front();
    const Incident& inc = incidents[i];
    const Hypothesis& top = inc.hypotheses.front();
    fmt::format_to(w, "\n#{} {} {}  {} .. {}\n", i + 1, upper(to_string(inc.severity)),
                   inc.host.to_string(), format_utc(inc.first_ts), format_utc(inc.last_ts));
    fmt::format_to(w, "   likely: {} ({:.0f}%)\n", top.name, 100 * top.confidence);
    fmt::format_to(w, "     {}\n", term_escape(top.explanation));
    if (inc.hypotheses.size() > 1) {
      std::string others;
      for (size_t k = 1; k < inc.hypotheses.size() && k < 4; ++k) {
        others += fmt::format("{}{} ({:.0f}%)", others.empty() ? "" : ", ", inc.hypotheses[k].name,
                              100 * inc.hypotheses[k].confidence);
      }
      fmt::format_to(w, "   less likely: {}\n", others);
    }
    if (story.size() > 1) {
      std::string hosts;
      for (size_t k = 1; k < story.size() && k <= 10; ++k) {
        const Incident& other = incidents[story[k]];
        hosts += fmt::format("{}{} (#{}, {} findings)", k > 1 ? ", " : "", other.host.to_string(),
                             story[k] + 1, other.findings.size());
      }
      if (story.size() > 11) hosts += fmt::format(" and {} more", story.size() - 11);
      fmt::format_to(w, "   the same story on {} more host(s): {}\n", story.size() - 1, hosts);
    }
    for (const auto& id : inc.findings) {
      const Finding* f = by_id[id];
      if (!f) continue;
      fmt::format_to(w, "   {} {} {}: {}\n", f->id, to_string(f->severity), to_string(f->kind),
                     term_escape(f->summary));
      for (size_t e = 0; e < f->evidence.size() && e < options.max_evidence; ++e) {
        const auto& ev = f->evidence[e];
        std::string where = ev.prov.input < inputs.size()
                                ? term_escape(inputs[ev.prov.input].path) + " " +
                                      evidence_ref(inputs[ev.prov.input], ev.prov.ref)
                                : std::to_string(ev.prov.ref);
        fmt::format_to(w, "       {}: {}\n", where, term_escape(ev.what));
      }
      if (f->evidence.size() > options.max_evidence) {
        fmt::format_to(w, "       ... {} more references in the findings document\n",
                       f->evidence.size() - options.max_evidence);
      }
    }
    out += "   next:\n";
    for (size_t k = 0; k < inc.actions.size(); ++k) {
      fmt::format_to(w, "     {}. {}\n", k + 1, term_escape(inc.actions[k]));
    }
  }
  if (stories.size() > options.max_incidents) {
    fmt::format_to(w, "\n... {} more stories in the findings document\n",
                   stories.size() - options.max_incidents);
  }
  return out;
}

}  // namespace callhome
