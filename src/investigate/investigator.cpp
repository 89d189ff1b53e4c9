#include "investigate/investigator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "investigate/host_profile.h"

namespace callhome {
namespace {

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

// One explanation weighed on one host's facts.
struct Weighed {
  const Explanation* e;
  double score = 0;
  Hypothesis h;
  std::vector<std::string> targets;  // what the facts in favour are about
};

Weighed weigh(const Explanation& e, const HostFacts& facts) {
  Weighed w{&e, e.prior, {}, {}};
  w.h.name = e.name;
  std::set<std::string> told;  // details already quoted: several facts often rest on one finding
  for (const EvidenceRule& r : e.evidence) {
    const bool holds = facts.holds(r.fact);
    if (holds == r.absent) continue;
    w.score += r.weight;
    const FactValue& v = facts.at(r.fact);
    std::string why = r.reason;
    if (holds && !v.detail.empty() && told.insert(v.detail).second) why += " (" + v.detail + ")";
    (r.weight >= 0 ? w.h.evidence_for : w.h.evidence_against).push_back(std::move(why));
    if (holds && r.weight > 0) {
      for (const auto& t : v.targets) {
        if (std::find(w.targets.begin(), w.targets.end(), t) == w.targets.end()) {
          w.targets.push_back(t);
        }
      }
    }
  }
  return w;
}

std::string render(const std::string& tmpl, const std::string& host,
                   const std::vector<std::string>& targets, const std::string& proxy) {
  constexpr size_t kNamed = 5;
  std::vector<std::string> named(targets.begin(),
                                 targets.begin() + std::min(targets.size(), kNamed));
  std::string t = named.empty() ? "the destinations listed in the findings" : join(named, ", ");
  if (targets.size() > kNamed) t += fmt::format(" and {} more", targets.size() - kNamed);
  const std::pair<const char*, std::string> fills[] = {
      {"{host}", host}, {"{targets}", t}, {"{proxy}", proxy.empty() ? "the site's proxy" : proxy}};
  std::string out = tmpl;
  for (const auto& [key, value] : fills) {
    for (size_t at = out.find(key); at != std::string::npos;
         at = out.find(key, at + value.size())) {
      out.replace(at, std::string_view(key).size(), value);
    }
  }
  return out;
}

// The one place an incident's severity is decided: the strongest finding, held down by a benign
// explanation, raised by a malicious one to its floor once the verdict is confident, and to its
// "likely" level before that.
Severity decide_severity(const Explanation& top, double confidence, Severity strongest,
                         const ExplanationTable& table) {
  Severity s = strongest;
  if (top.severity.cap && s > *top.severity.cap) s = *top.severity.cap;
  const bool confident = confidence >= table.floor_confidence;
  const auto& floor = confident ? top.severity.floor : top.severity.likely;
  if (floor && s < *floor) s = *floor;
  return s;
}

}  // namespace

std::vector<Incident> investigate(const std::vector<Finding>& findings,
                                  const InvestigationContext& ctx) {
  const ExplanationTable& table =
      ctx.explanations ? *ctx.explanations : ExplanationTable::shipped();
  std::map<Address, std::vector<const Finding*>> by_host;
  for (const auto& f : findings) by_host[f.host].push_back(&f);

  // Organisations each host failed to reach or kept contacting: hosts sharing one are linked.
  const SiteFacts site{!ctx.proxy.empty()};
  std::vector<HostProfile> profiles;
  for (const auto& [host, fs] : by_host) {
    profiles.push_back(profile_host(host, fs, ctx.lookup, site));
  }
  std::map<std::string, std::set<Address>> org_hosts;
  for (const auto& p : profiles) {
    for (const auto& org : p.destination_orgs) org_hosts[org].insert(p.host);
  }
  for (auto& p : profiles) {
    for (const auto& org : p.destination_orgs) {
      if (org_hosts[org].size() > 1) {
        p.facts.set(Fact::fan_in, fmt::format("{} hosts towards {}", org_hosts[org].size(), org));
      }
    }
  }

  std::vector<Incident> incidents;
  for (const auto& p : profiles) {
    const auto& fs = by_host.at(p.host);
    Incident inc;
    inc.host = p.host;
    inc.first_ts = fs.front()->first_ts;
    // Attacks on the host set its severity only when it shows nothing of its own.
    Severity strongest = Severity::info, strongest_inbound = Severity::info;
    bool outbound = false;
    for (const Finding* f : fs) {
      inc.findings.push_back(f->id);
      if (inbound(*f)) {
        strongest_inbound = std::max(strongest_inbound, f->severity);
      } else {
        outbound = true;
        strongest = std::max(strongest, f->severity);
      }
      inc.first_ts = std::min(inc.first_ts, f->first_ts);
      inc.last_ts = std::max(inc.last_ts, f->last_ts);
    }
    if (!outbound) strongest = strongest_inbound;
    std::vector<Weighed> weighed;
    for (const Explanation& e : table.explanations) weighed.push_back(weigh(e, p.facts));
    double top_score = -INFINITY;
    for (const auto& w : weighed) top_score = std::max(top_score, w.score);
    double total = 0;
    for (const auto& w : weighed) total += std::exp((w.score - top_score) / table.temperature);
    for (auto& w : weighed) {
      const double prob = std::exp((w.score - top_score) / table.temperature) / total;
      w.h.confidence = std::round(1000 * std::min(prob, table.max_confidence)) / 1000;
      w.h.explanation =
          "For: " + (w.h.evidence_for.empty() ? "nothing" : join(w.h.evidence_for, "; ")) +
          ". Against: " +
          (w.h.evidence_against.empty() ? "nothing" : join(w.h.evidence_against, "; ")) + ".";
    }
    std::stable_sort(weighed.begin(), weighed.end(),
                     [](const Weighed& a, const Weighed& b) { return a.score > b.score; });
    const Weighed& top = weighed.front();
    inc.severity = decide_severity(*top.e, top.h.confidence, strongest, table);
    for (const auto& action : top.e->actions) {
      inc.actions.push_back(render(action, p.host.to_string(), top.targets, ctx.proxy));
    }
    for (auto& w : weighed) inc.hypotheses.push_back(std::move(w.h));
    // Hosts sharing an organisation with this one. A list, not a loop over every pair: with
    // thousands of hosts behind one CDN this stays linear, and reports stay readable.
    std::set<Address> related;
    for (const auto& org : p.destination_orgs) {
      const auto& hosts = org_hosts[org];
      if (hosts.size() < 2) continue;
      inc.shared_orgs.push_back(org);
      for (const auto& other : hosts) {
        if (other == p.host) continue;
        if (related.size() >= kMaxRelatedHosts && !related.contains(other)) {
          inc.related_count = std::max(inc.related_count, hosts.size() - 1);
          break;
        }
        related.insert(other);
      }
    }
    inc.related_hosts.assign(related.begin(), related.end());
    inc.related_count = std::max(inc.related_count, related.size());
    inc.headline = fmt::format("{}: {} finding(s), most likely {} ({:.0f}%)", p.host.to_string(),
                               fs.size(), top.e->name, 100 * inc.hypotheses.front().confidence);
    incidents.push_back(std::move(inc));
  }
  std::stable_sort(incidents.begin(), incidents.end(), [](const Incident& a, const Incident& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.findings.size() > b.findings.size();
  });
  return incidents;
}

std::vector<std::vector<size_t>> group_stories(const std::vector<Incident>& incidents) {
  std::vector<std::vector<size_t>> stories;
  std::map<std::pair<std::string, std::string>, size_t> story_of;  // (explanation, org) -> story
  for (size_t i = 0; i < incidents.size(); ++i) {
    const Incident& inc = incidents[i];
    const std::string top = inc.hypotheses.empty() ? "" : inc.hypotheses.front().name;
    size_t story = stories.size();
    for (const auto& org : inc.shared_orgs) {
      if (auto it = story_of.find({top, org}); it != story_of.end()) {
        story = it->second;
        break;
      }
    }
    if (story == stories.size()) stories.emplace_back();
    stories[story].push_back(i);
    for (const auto& org : inc.shared_orgs) story_of.emplace(std::pair{top, org}, story);
  }
  return stories;
}

}  // namespace callhome
