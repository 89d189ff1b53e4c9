#include "detect/scan_detector.h"

#include "detect/attempt.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace callhome {
namespace {

TrwVerdict trw_decide(const std::vector<bool>& first_contact_hits) {
  double ratio = 1;
  for (bool hit : first_contact_hits) {
    ratio *= hit ? 0.25 : 4.0;
    if (ratio >= 99) return TrwVerdict::scanner;
    if (ratio <= 0.0101) return TrwVerdict::benign;
  }
  return TrwVerdict::undecided;
}

}  // namespace

double trw_likelihood(size_t hits, size_t misses) {
  return std::pow(0.25, double(hits)) * std::pow(4.0, double(misses));
}

void ScanDetector::on_connection(const Connection& c) {
  if (!opt_.internal.contains(c.orig_h)) return;
  // ICMP is the sweep detector's; protocol 0 is what logs write when they do not know it.
  if (c.ip_proto == kProtoIcmp || c.ip_proto == kProtoIcmp6 || c.ip_proto == 0) return;
  Host& h = hosts_[c.orig_h];
  const Outcome outcome = outcome_of(c);
  if (h.attempts.size() >= opt_.max_attempts_per_host || held_ >= opt_.max_attempts) {
    ++h.dropped;
    return;
  }
  if (!unsuccessful(outcome)) {
    if (!h.not_failed.insert({c.resp_h, c.resp_p, c.ip_proto}).second) return;
    ++held_;  // the set entry
  }
  uint32_t packets = c.has_counts ? uint32_t(std::min<uint64_t>(c.orig_pkts, UINT32_MAX)) : 1;
  h.attempts.push_back({c.ts, c.resp_h, c.resp_p, c.ip_proto, outcome, probe_kind(c),
                        probe_answer(c), packets, c.first});
  ++held_;
}

void ScanDetector::analyse_host(const Address& host, Host& h) {
  auto& a = h.attempts;
  std::sort(a.begin(), a.end(), [](const Attempt& x, const Attempt& y) { return x.ts < y.ts; });
  size_t begin = 0;
  for (size_t i = 1; i <= a.size(); ++i) {
    if (i == a.size() || a[i].ts - a[i - 1].ts > opt_.episode_gap) {
      analyse_episode(host, a, begin, i, h.found);
      begin = i;
    }
  }
  held_ -= a.size() + h.not_failed.size();
  std::vector<Attempt>().swap(a);
  absl::flat_hash_set<Target>().swap(h.not_failed);
}

namespace {

// A client retrying one server pool every hour makes the same low-severity "scan" each time:
// one finding that says how often, not one per hour.
void merge_repeated_pool_scans(std::vector<Finding>& fs) {
  const auto details = [](const Finding& f) -> const ScanDetails& {
    return std::get<ScanDetails>(f.details);
  };
  // Low horizontal sweeps of one port, and vertical scans of one host however slow.
  const auto repeatable = [&](const Finding& f) {
    const ScanShape type = details(f).scan_type;
    return (f.severity == Severity::low && type == ScanShape::horizontal) ||
           type == ScanShape::vertical;
  };
  const auto same = [&](const Finding& a, const Finding& b) {
    const ScanDetails &da = details(a), &db = details(b);
    // A FIN scan and a UDP scan of one host are two scans, however close in time.
    return b.kind == a.kind && db.scan_type == da.scan_type && db.proto == da.proto &&
           db.probe == da.probe &&
           (da.scan_type == ScanShape::vertical ? db.dst == da.dst : db.port == da.port);
  };
  std::vector<Finding> out;
  std::vector<bool> used(fs.size(), false);
  for (size_t i = 0; i < fs.size(); ++i) {
    if (used[i]) continue;
    std::vector<size_t> group = {i};
    if (repeatable(fs[i])) {
      for (size_t j = i + 1; j < fs.size(); ++j) {
        if (!used[j] && repeatable(fs[j]) && same(fs[i], fs[j])) {
          group.push_back(j);
          used[j] = true;
        }
      }
    }
    if (group.size() == 1) {
      out.push_back(std::move(fs[i]));
      continue;
    }
    Finding m = fs[i];
    ScanDetails& md = std::get<ScanDetails>(m.details);
    std::map<std::string, Address> targets;  // by text: the merged sample lists them in that order
    std::set<std::string> networks;
    size_t attempts = 0, packets = 0, answered = 0, max_targets = 0, min_ports = SIZE_MAX,
           max_ports = 0;
    size_t closed = 0, filtered = 0, unanswered = 0;  // summed over episodes
    m.evidence.clear();
    const size_t per_episode = std::max<size_t>(1, Finding::kMaxEvidence / group.size());
    for (size_t k : group) {
      const Finding& f = fs[k];
      const ScanDetails& d = details(f);
      m.first_ts = std::min(m.first_ts, f.first_ts);
      m.last_ts = std::max(m.last_ts, f.last_ts);
      attempts += d.attempts;
      packets += d.packets;
      answered += d.answered;
      closed += d.closed;
      filtered += d.filtered;
      unanswered += d.unanswered;
      max_targets = std::max(max_targets, d.targets);
      min_ports = std::min(min_ports, d.ports);
      max_ports = std::max(max_ports, d.ports);
      if (d.sample_targets) {
        for (const Address& t : *d.sample_targets) {
          targets.emplace(t.to_string(), t);
          networks.insert(network_label(t));
        }
      }
      for (size_t e = 0; e < f.evidence.size() && e < per_episode; ++e) {
        m.cite(f.evidence[e].prov, f.evidence[e].what);
      }
    }
    md.episodes = group.size();
    md.closed = closed;
    md.filtered = filtered;
    md.unanswered = unanswered;
    md.attempts = attempts;
    md.packets = packets;
    md.answered = answered;
    md.duration_s = m.last_ts - m.first_ts;
    if (md.scan_type == ScanShape::vertical) {
      md.ports = max_ports;
      m.summary = fmt::format(
          "{} probed {} to {} {} ports per episode on {} in {} episodes over {:.0f} s ({} "
          "attempts, "
          "{} answered): a slow {} scan of one host; find the program sending them",
          m.host.to_string(), min_ports, max_ports, scan_proto_name(md.proto),
          md.dst ? md.dst->to_string() : "", group.size(), m.last_ts - m.first_ts, attempts,
          answered, scan_name(md.probe));
      m.notes.push_back(
          fmt::format("{} episodes of the same scan merged into one finding", group.size()));
      out.push_back(std::move(m));
      continue;
    }
    md.targets = std::max(max_targets, targets.size());
    md.networks = networks.size();
    md.sample_targets.emplace();
    for (const auto& [text, t] : targets) {
      if (md.sample_targets->size() >= 20) break;
      md.sample_targets->push_back(t);
    }
    m.summary = fmt::format(
        "{} tried {}/{} on {} hosts of one pool ({} network(s)) in {} separate episodes ({} "
        "attempts, {} answered): a client failing to reach a server pool, not a sweep; find the "
        "program retrying",
        m.host.to_string(), scan_proto_name(md.proto), md.port ? int(*md.port) : 0, md.targets,
        networks.size(), group.size(), attempts, answered);
    m.notes.push_back(
        fmt::format("{} episodes of the same pattern merged into one finding", group.size()));
    out.push_back(std::move(m));
  }
  fs = std::move(out);
}

}  // namespace

void ScanDetector::finish(std::vector<Finding>& out) {
  for (auto& [host, h] : hosts_) {
    analyse_host(host, h);
    merge_repeated_pool_scans(h.found);
    for (auto& f : h.found) {
      if (h.dropped) {
        f.notes.push_back(fmt::format(
            "{} attempts of this host were counted but not kept (memory bound)", h.dropped));
      }
      out.push_back(std::move(f));
    }
    h.found.clear();
  }
}

namespace {

// Vertical scans are counted per family: TCP ports, UDP ports, or IP protocol numbers (the
// "ports" of an IP protocol scan), so that a TCP and a UDP scan of one host stay two scans.
uint8_t family_of(const ScanDetector::Attempt& x) {
  return x.proto == kProtoTcp || x.proto == kProtoUdp ? x.proto : 0;
}
uint16_t port_in_family(const ScanDetector::Attempt& x) {
  return family_of(x) == 0 ? x.proto : x.port;
}

// What a group of attempts was made of and what came back.
struct Tally {
  std::map<ProbeKind, size_t> kinds;
  size_t open = 0, closed = 0, filtered = 0, silent = 0;
  void add(const ScanDetector::Attempt& x) {
    if (x.kind != ProbeKind::none) ++kinds[x.kind];
    open += x.answer == ProbeAnswer::open;
    closed += x.answer == ProbeAnswer::closed;
    filtered += x.answer == ProbeAnswer::filtered;
    silent += x.answer == ProbeAnswer::silent;
  }
  // The kind most attempts were: a scan mixes in the odd answered connection or retry.
  ProbeKind main_kind(uint8_t proto) const {
    ProbeKind best = proto == kProtoUdp   ? ProbeKind::udp
                     : proto == kProtoTcp ? ProbeKind::tcp
                                          : ProbeKind::ip_protocol;
    size_t n = 0;
    for (const auto& [k, c] : kinds) {
      if (c > n) best = k, n = c;
    }
    return best;
  }
  void describe(ScanDetails& d, uint8_t proto) const {
    d.probe = main_kind(proto);
    d.probes = kinds;
    d.closed = closed;
    d.filtered = filtered;
    d.unanswered = silent;
  }
};

std::string answer_text(const ScanDetector::Attempt& x) {
  if (x.answer == ProbeAnswer::unknown) return describe(x.outcome);
  if (x.answer == ProbeAnswer::closed) {
    return x.proto == kProtoTcp   ? "closed: RST"
           : x.proto == kProtoUdp ? "answered: closed, ICMP port unreachable"
                                  : "answered: closed, ICMP protocol unreachable";
  }
  if (x.answer == ProbeAnswer::filtered && x.outcome != Outcome::blocked) {
    return "filtered: ICMP unreachable";
  }
  return to_string(x.answer);
}

std::string probe_text(const ScanDetector::Attempt& x) {
  if (family_of(x) == 0) {
    return fmt::format("IP protocol {} to {} ({})", x.proto, x.dst.to_string(), answer_text(x));
  }
  const char* what = x.proto == kProtoUdp        ? "datagram"
                     : x.kind == ProbeKind::tcp  ? "attempt"
                     : x.kind == ProbeKind::none ? "connection"
                                                 : scan_name(x.kind);
  return fmt::format("{} {} to {}:{} ({})", transport_name(x.proto), what, x.dst.to_string(),
                     x.port, answer_text(x));
}

}  // namespace

void ScanDetector::analyse_episode(const Address& host, const std::vector<Attempt>& a, size_t begin,
                                   size_t end, std::vector<Finding>& out) const {
  // Distinct targets per (proto, port) among attempts that did not plainly succeed, and distinct
  // ports per target. Only TCP and UDP sweep hosts here: other IP protocols count per target.
  struct PortStats {
    std::set<Address> targets, failed, answered;
  };
  std::map<std::pair<uint8_t, uint16_t>, PortStats> by_port;
  std::map<Address, std::set<std::pair<uint8_t, uint16_t>>> by_target;
  std::map<std::pair<Address, uint8_t>, std::set<uint16_t>> by_target_family;
  for (size_t i = begin; i < end; ++i) {
    const Attempt& x = a[i];
    by_target_family[{x.dst, family_of(x)}].insert(port_in_family(x));
    if (family_of(x) == 0) continue;
    auto& ps = by_port[{x.proto, x.port}];
    ps.targets.insert(x.dst);
    if (x.outcome == Outcome::answered) ps.answered.insert(x.dst);
    if (unsuccessful(x.outcome)) ps.failed.insert(x.dst);
    by_target[x.dst].insert({x.proto, x.port});
  }
  for (const auto& [pp, ps] : by_port) {
    // Probed: tried and never answered. An attempt whose outcome is unknown (a firewall line
    // that let it through) is neither a hit nor a miss.
    size_t probed = 0;
    for (const auto& t : ps.failed) probed += !ps.answered.contains(t);
    if (probed < opt_.min_targets) continue;

    // Follow the first contact with each target, in time order, for the sequential test.
    std::vector<bool> hits;
    std::set<Address> seen;
    std::set<std::string> networks;
    size_t attempts = 0, packets = 0;
    double first = 0, last = 0;
    Tally tally;
    Finding f;
    for (size_t i = begin; i < end; ++i) {
      const Attempt& x = a[i];
      if (x.proto != pp.first || x.port != pp.second) continue;
      if (attempts == 0) first = x.ts;
      last = x.ts;
      ++attempts;
      packets += x.packets;
      tally.add(x);
      networks.insert(network_label(x.dst));
      if (x.outcome != Outcome::unknown && seen.insert(x.dst).second) {
        hits.push_back(ps.answered.contains(x.dst));
      }
      f.cite(x.prov, probe_text(x));
    }
    const bool internal_targets =
        std::all_of(ps.targets.begin(), ps.targets.end(),
                    [&](const Address& t) { return opt_.internal.contains(t); });
    const TrwVerdict trw = trw_decide(hits);

    f.kind = internal_targets ? FindingKind::internal_scan : FindingKind::outbound_scan;
    f.host = host;
    f.first_ts = first;
    f.last_ts = last;
    f.severity = Severity::medium;
    if (trw == TrwVerdict::scanner && networks.size() >= 5) f.severity = Severity::high;
    if (trw == TrwVerdict::scanner && !is_common_client_port(pp.second) && networks.size() >= 3) {
      f.severity = Severity::high;
    }
    if (trw == TrwVerdict::scanner) {
      f.notes.push_back("sequential hypothesis test (TRW, theta0 0.8, theta1 0.2): scanner");
    }
    if (networks.size() <= 2) {
      // Retries against a handful of addresses in one provider's range look like a client
      // failing to reach one service (a CDN pool), not like a sweep: keep it visible but low.
      f.severity = Severity::low;
      f.notes.push_back(fmt::format(
          "severity lowered: all {} targets lie in {} network(s) (/16), like a server pool",
          ps.targets.size(), networks.size()));
    }
    std::set<std::pair<uint8_t, uint16_t>> all_ports_of_targets;
    for (const auto& t : ps.targets) {
      all_ports_of_targets.insert(by_target.at(t).begin(), by_target.at(t).end());
    }
    const bool block = all_ports_of_targets.size() >= opt_.min_ports;
    ScanDetails d;
    d.scan_type = block ? ScanShape::block : ScanShape::horizontal;
    d.proto = pp.first;
    d.port = pp.second;
    d.ports = all_ports_of_targets.size();
    d.targets = ps.targets.size();
    d.networks = networks.size();
    d.attempts = attempts;
    d.packets = packets;
    d.duration_s = last - first;
    d.answered = ps.answered.size();
    d.trw = trw;
    tally.describe(d, pp.first);
    d.sample_targets.emplace();
    for (const auto& t : ps.targets) {
      if (d.sample_targets->size() >= 20) break;
      d.sample_targets->push_back(t);
    }
    f.details = std::move(d);
    const ProbeKind kind = tally.main_kind(pp.first);
    f.summary = fmt::format(
        "{} probed {}/{} on {} {} hosts in {:.0f} s ({}{} attempts, {} answered); find the "
        "program sending them",
        host.to_string(), transport_name(pp.first), pp.second, ps.targets.size(),
        internal_targets ? "internal" : "external", last - first, attempts,
        kind == ProbeKind::syn || kind == ProbeKind::tcp || kind == ProbeKind::udp
            ? ""
            : fmt::format(" {}", scan_name(kind)),
        ps.answered.size());
    out.push_back(std::move(f));
  }
  // Vertical: many ports (or IP protocols) of one target.
  for (const auto& [key, ports] : by_target_family) {
    const auto& [target, family] = key;
    if (ports.size() < (family == 0 ? opt_.min_protocols : opt_.min_ports)) continue;
    Finding f;
    double first = 0, last = 0;
    size_t attempts = 0, packets = 0, answered = 0;
    Tally tally;
    for (size_t i = begin; i < end; ++i) {
      const Attempt& x = a[i];
      if (x.dst != target || family_of(x) != family) continue;
      if (attempts == 0) first = x.ts;
      last = x.ts;
      ++attempts;
      packets += x.packets;
      answered += x.outcome == Outcome::answered;
      tally.add(x);
      f.cite(x.prov, probe_text(x));
    }
    const bool internal_target = opt_.internal.contains(target);
    f.kind = internal_target ? FindingKind::internal_scan : FindingKind::outbound_scan;
    f.host = host;
    f.first_ts = first;
    f.last_ts = last;
    f.severity = Severity::high;
    ScanDetails d;
    d.scan_type = ScanShape::vertical;
    d.proto = family;
    d.ports = ports.size();
    d.targets = 1;
    d.attempts = attempts;
    d.packets = packets;
    d.duration_s = last - first;
    d.answered = answered;
    d.dst = target;
    if (family == 0) d.protocols = ports.size();
    tally.describe(d, family);
    f.details = std::move(d);
    const ProbeKind kind = tally.main_kind(family);
    f.summary = fmt::format(
        "{}: {} scan of {} {} of {} in {:.0f} s ({} attempts: {} closed, {} open, {} filtered, "
        "{} unanswered); find the program sending them",
        host.to_string(), scan_name(kind), ports.size(),
        family == 0           ? "IP protocols"
        : family == kProtoUdp ? "UDP ports"
                              : "TCP ports",
        target.to_string(), last - first, attempts, tally.closed, answered, tally.filtered,
        tally.silent);
    out.push_back(std::move(f));
  }
}

}  // namespace callhome
