#include "investigate/investigator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "investigate/host_profile.h"

namespace callhome {
namespace {

// Scores are additive log-odds: each observation adds weight for or against an explanation.
struct Scorer {
  double score = 0;
  Hypothesis h;
  void plus(double w, std::string why) {
    score += w;
    h.evidence_for.push_back(std::move(why));
  }
  void minus(double w, std::string why) {
    score -= w;
    h.evidence_against.push_back(std::move(why));
  }
};

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::vector<Scorer> score_hypotheses(const HostProfile& p) {
  std::vector<Scorer> all;
  auto make = [&](const char* name) -> Scorer& {
    all.emplace_back();
    all.back().h.name = name;
    return all.back();
  };
  const std::string orgs = join(p.destination_orgs, ", ");

  Scorer& p2p = make("p2p_file_sharing");
  if (!p.p2p_ports.empty()) {
    p2p.plus(2.5, "attempts on P2P ports (" + join(p.p2p_ports, ", ") + ")");
  }
  if (!p.p2p_names.empty()) p2p.plus(2, "talked to P2P vendors (" + join(p.p2p_names, ", ") + ")");
  const bool p2p_seen = !p.p2p_ports.empty() || !p.p2p_names.empty();
  if (p.scan_networks >= 5 && p2p_seen) {
    p2p.plus(1.5, fmt::format("probed {} hosts in {} unrelated networks, as a P2P client looking "
                              "for peers does",
                              p.scan_targets, p.scan_networks));
  }
  if (p.icmp_probe) p2p.plus(1, "ICMP probes to several peers (path measurement)");
  if (p.fallback) p2p.plus(1, "fell back from port to port to get out (" + p.fallback_text + ")");
  if (p.update_destinations && p.p2p_ports.empty() && p.p2p_names.empty()) {
    p2p.minus(1.5, "destinations are update or CDN services (" + orgs + ")");
  }
  if (!p2p_seen) p2p.minus(1, "no P2P port or P2P vendor seen");

  Scorer& upd = make("update_agent_proxy_bypass");
  if (p.update_destinations) upd.plus(2, "destinations are update or CDN services (" + orgs + ")");
  if (p.retry_loop) upd.plus(1.5, "retries on a schedule (" + p.retry_text + ")");
  if (p.sequential_ports) upd.plus(1, "source port rises by one per attempt: one program retrying");
  if (p.blocked_web) upd.plus(1.5, "direct web connections blocked by the firewall");
  if (p.proxy_bypass) upd.plus(1, "goes around the site proxy");
  if (p.fan_in_hosts > 1) {
    upd.plus(1, fmt::format("{} hosts do the same towards the same organisation", p.fan_in_hosts));
  }
  if (p.flood) upd.minus(2, "traffic at flood rate");
  if (!p.p2p_ports.empty()) upd.minus(1.5, "P2P ports in use");
  if (!p.update_destinations && !p.blocked_web) {
    upd.minus(1, "no blocked web traffic to update or CDN services");
  }
  if (!p.blocked_web && !p.proxy_bypass && !p.retry_loop) {
    upd.minus(1.5, "nothing blocked, retried or going around a proxy");
  }

  Scorer& c2 = make("malware_c2_beacon");
  if (p.beacon_success) {
    c2.plus(2, "regular check-ins that succeed (" + p.beacon_text + ")");
  }
  if (p.ids_alerts) c2.plus(1, "IDS alerts for this host");
  if (p.off_hours) c2.plus(0.5, "activity while nobody is there");
  if (p.update_destinations) c2.minus(2, "destinations are update or CDN services (" + orgs + ")");
  if (p.fan_in_hosts > 1) {
    c2.minus(1, fmt::format("{} hosts share the behaviour: installed software, not one implant",
                            p.fan_in_hosts));
  }
  if (!p.beacon_success && !p.ids_alerts) c2.minus(1, "no successful periodic check-ins");

  Scorer& ddos = make("ddos_participation");
  if (p.flood) ddos.plus(3, "floods one destination (" + p.flood_text + ")");
  if (p.fan_in_hosts > 1 && p.flood) ddos.plus(1, "several hosts hit the same target");
  if (!p.flood) {
    ddos.minus(2, fmt::format("low rate: at most {:.1f} attempts per second", p.max_rate));
  }
  if (p.update_destinations && !p.flood) {
    ddos.minus(1.5, "targets are update or CDN services a client would fetch from");
  }

  Scorer& worm = make("worm_propagation");
  if (p.internal_scan) worm.plus(3, "scans internal hosts (" + p.internal_scan_text + ")");
  if (!p.service_scan_ports.empty()) {
    worm.plus(2.5, "sweeps many hosts for services it could break into (" +
                       join(p.service_scan_ports, ", ") +
                       "), as self-spreading malware (Mirai, WannaCry) does");
  }
  if (!p.internal_scan && p.service_scan_ports.empty()) {
    worm.minus(1, "no sweep of internal hosts or of remotely exploitable services");
  }
  if (p2p_seen) worm.minus(1, "P2P clients sweep for peers too");

  Scorer& scanning = make("scanning_tool");
  if (!p.vertical_scan_text.empty()) {
    scanning.plus(3, "probes many ports of one host, as nmap does (" + p.vertical_scan_text + ")");
  }
  if (p.scan_targets > 0 && !p2p_seen && p.service_scan_ports.empty()) {
    scanning.plus(1, fmt::format("sweeps {} hosts on one port", p.scan_targets));
  }
  if (p.scan_targets == 0 && p.vertical_scan_text.empty()) scanning.minus(2, "no scan");
  if (p2p_seen) scanning.minus(1, "P2P ports or vendors explain the sweep");

  Scorer& benign = make("benign_periodic_service");
  if (p.benign_periodic) {
    benign.plus(2, "periodic traffic to a known service" +
                       (orgs.empty() ? std::string() : " (" + orgs + ")"));
  }
  if (p.beacon_success && !p.update_destinations) {
    benign.minus(1.5, "also checks in regularly with a service nobody recognises");
  }
  if (p.blocked_web || p.retry_loop) benign.minus(2, "its attempts fail or are blocked");

  Scorer& misconf = make("misconfiguration");
  if (p.blocked_web) misconf.plus(1, "blocked direct web attempts");
  if (p.retry_loop) misconf.plus(1, "keeps retrying something that cannot work");
  if (p.scan_networks >= 5 || p.flood) misconf.minus(1, "behaviour beyond a wrong setting");

  Scorer& unknown = make("unknown");
  unknown.score = 0;  // the floor every explanation must beat
  unknown.plus(0, "no explanation fits better");
  return all;
}

std::vector<std::string> actions_for(const std::string& top, const HostProfile& p,
                                     const InvestigationContext& ctx) {
  const std::string host = p.host.to_string();
  std::vector<std::string> a;
  if (top == "p2p_file_sharing") {
    a.push_back(
        fmt::format("Isolate {} (disconnect it at the switch or hub) and image its disk "
                    "before changing anything; record the image's SHA-256",
                    host));
    a.push_back("Identify the P2P client from the ports and names above (" +
                join(p.p2p_ports, ", ") + ") with a process list or netstat -b, then remove it");
    a.push_back(
        "Block the P2P ports and the vendor's domains at the firewall and look for other "
        "hosts contacting the same peers");
  } else if (top == "update_agent_proxy_bypass") {
    a.push_back(
        fmt::format("Configure the proxy{} in the update agents of the affected hosts "
                    "(antivirus updater, Windows/IE settings, other updaters)",
                    ctx.proxy.empty() ? "" : " (" + ctx.proxy + ")"));
    a.push_back(
        fmt::format("Confirm which program it is on {} with a per-process firewall log "
                    "or a sniffer on that host",
                    host));
    a.push_back("No isolation needed: this is blocked update traffic, not an attack");
  } else if (top == "malware_c2_beacon") {
    a.push_back(
        fmt::format("Isolate {} and preserve memory and disk images before cleaning", host));
    a.push_back(
        "Block the beacon destination at the perimeter and search every host's traffic "
        "for it");
    a.push_back("Find the process making the check-ins and have it analysed");
  } else if (top == "ddos_participation") {
    a.push_back(fmt::format("Isolate {} now: it is sending at flood rate", host));
    a.push_back("Block the target at the perimeter and find the flooding agent on the host");
  } else if (top == "worm_propagation") {
    a.push_back(
        fmt::format("Isolate {} and the hosts it reached; patch the exploited service", host));
    a.push_back("Block the scanned port between internal segments until the hosts are clean");
  } else if (top == "scanning_tool") {
    a.push_back(fmt::format(
        "Find who ran the scan on {} (logged-in users, processes such as nmap or masscan) and "
        "whether it was authorised",
        host));
    a.push_back(fmt::format(
        "If nobody authorised it, treat {} as compromised: isolate it and preserve disk and "
        "memory images",
        host));
  } else if (top == "benign_periodic_service") {
    a.push_back("Document the service as expected and exclude it from future alerts");
  } else if (top == "misconfiguration") {
    a.push_back(fmt::format("Find the program on {} that retries and fix its settings", host));
  } else {
    a.push_back(
        fmt::format("Look at {}'s processes and network settings around the times above", host));
  }
  return a;
}

}  // namespace

std::vector<Incident> investigate(const std::vector<Finding>& findings,
                                  const InvestigationContext& ctx) {
  std::map<Address, std::vector<const Finding*>> by_host;
  for (const auto& f : findings) by_host[f.host].push_back(&f);

  // Organisations each host failed to reach or kept contacting: hosts sharing one are linked.
  std::vector<HostProfile> profiles;
  for (const auto& [host, fs] : by_host) profiles.push_back(profile_host(host, fs, ctx.lookup));
  std::map<std::string, std::set<Address>> org_hosts;
  for (const auto& p : profiles) {
    for (const auto& org : p.destination_orgs) org_hosts[org].insert(p.host);
  }
  for (auto& p : profiles) {
    for (const auto& org : p.destination_orgs) {
      p.fan_in_hosts = std::max(p.fan_in_hosts, org_hosts[org].size());
    }
  }

  std::vector<Incident> incidents;
  for (const auto& p : profiles) {
    const auto& fs = by_host.at(p.host);
    Incident inc;
    inc.host = p.host;
    inc.first_ts = fs.front()->first_ts;
    for (const Finding* f : fs) {
      inc.findings.push_back(f->id);
      inc.severity = std::max(inc.severity, f->severity);
      inc.first_ts = std::min(inc.first_ts, f->first_ts);
      inc.last_ts = std::max(inc.last_ts, f->last_ts);
    }
    auto scorers = score_hypotheses(p);
    double total = 0;
    for (const auto& s : scorers) total += std::exp(s.score);
    for (auto& s : scorers) {
      s.h.confidence = std::round(1000 * std::exp(s.score) / total) / 1000;
      s.h.explanation =
          "For: " + (s.h.evidence_for.empty() ? "nothing" : join(s.h.evidence_for, "; ")) +
          ". Against: " +
          (s.h.evidence_against.empty() ? "nothing" : join(s.h.evidence_against, "; ")) + ".";
      inc.hypotheses.push_back(std::move(s.h));
    }
    std::stable_sort(
        inc.hypotheses.begin(), inc.hypotheses.end(),
        [](const Hypothesis& a, const Hypothesis& b) { return a.confidence > b.confidence; });
    const std::string& top = inc.hypotheses.front().name;
    // A confident benign explanation caps the severity: the findings stay, the alarm does not.
    if ((top == "update_agent_proxy_bypass" || top == "benign_periodic_service" ||
         top == "misconfiguration") &&
        inc.severity > Severity::low) {
      inc.severity = Severity::low;
    }
    if (top == "ddos_participation" || top == "malware_c2_beacon") {
      inc.severity = std::max(inc.severity, Severity::high);
    }
    inc.actions = actions_for(top, p, ctx);
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
                               fs.size(), top, 100 * inc.hypotheses.front().confidence);
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
