#include "detect/inbound_attack_detector.h"

#include <fmt/format.h>

#include <algorithm>

namespace callhome {
namespace {

constexpr size_t kSamplesPerAttacker = 3;

// Whether an inbound connection is the outside party opening one: a SYN or a stealth probe, a
// datagram, another IP protocol, or TCP whose shape nobody recorded (firewall lines). What is
// left is the host's own conversations seen the wrong way round (a capture that missed the
// SYN makes the server the originator: "DadF" from 1.1.1.2:853), which are no attack.
bool is_opening(const Connection& c) {
  switch (c.ip_proto) {
    case kProtoTcp: {
      const ProbeKind k = probe_kind(c);
      return k == ProbeKind::syn || k == ProbeKind::tcp || is_stealth_probe(c);
    }
    case kProtoUdp:
      // From a service port to an ephemeral one reads as a reply to the host's own query;
      // scanners send from high ports.
      return !(c.orig_p < 1024 && c.resp_p >= 1024);
    default:
      return true;
  }
}

uint32_t port_key(uint8_t proto, uint16_t port) {
  return uint32_t(proto) << 16 | port;
}

InboundAttackDetails::Port port_of_key(uint32_t key) {
  return {.proto = uint8_t(key >> 16), .port = uint16_t(key & 0xffff)};
}

}  // namespace

void InboundAttackDetector::on_connection(const Connection& c) {
  if (!opt_.internal.contains(c.resp_h) || opt_.internal.contains(c.orig_h)) return;
  // ICMP has no ports to map (echo probes are everyone's background); protocol 0 is what logs
  // write when they do not know it.
  if (c.ip_proto == kProtoIcmp || c.ip_proto == kProtoIcmp6 || c.ip_proto == 0) return;
  if (!is_opening(c)) return;
  Host& h = hosts_[c.resp_h];
  ++h.attempts;
  auto it = h.attackers.find(c.orig_h);
  if (it == h.attackers.end()) {
    if (h.attackers.size() >= opt_.max_attackers_per_host || held_ >= opt_.max_attackers) {
      ++h.dropped;
      return;
    }
    it = h.attackers.try_emplace(c.orig_h).first;
    ++held_;
    it->second.first = it->second.last = c.ts;
  }
  Attacker& a = it->second;
  const Outcome outcome = outcome_of(c);
  const uint32_t key = port_key(
      c.ip_proto, c.ip_proto == kProtoTcp || c.ip_proto == kProtoUdp ? c.resp_p : uint16_t(0));
  ++a.attempts;
  a.first = std::min(a.first, c.ts);
  a.last = std::max(a.last, c.ts);
  if (a.ports.size() < opt_.max_ports_per_attacker || a.ports.contains(key)) {
    a.ports.insert(key);
  } else {
    a.ports_capped = true;
  }
  if (outcome == Outcome::answered) {
    ++a.answered;
    if (a.answered_ports.size() < opt_.max_ports_per_attacker) a.answered_ports.insert(key);
    // Data both ways: a login tried, a request served, not only a handshake.
    a.sessions += c.has_bytes && c.orig_bytes > 0 && c.resp_bytes > 0;
  }
  if (a.samples.size() < kSamplesPerAttacker) {
    a.samples.push_back({c.first, c.ts, c.resp_p, c.ip_proto, outcome, probe_kind(c)});
  }
}

void InboundAttackDetector::finish(std::vector<Finding>& out) {
  // How many internal hosts each attacker went for: one address probing the whole site is a
  // sweep, not an interest in this host.
  absl::flat_hash_map<Address, size_t> targets;
  for (const auto& [host, h] : hosts_) {
    for (const auto& [addr, a] : h.attackers) ++targets[addr];
  }
  for (auto& [host, h] : hosts_) {
    if (h.attempts < opt_.min_attempts) continue;
    std::vector<std::pair<const Address*, const Attacker*>> ranked;
    ranked.reserve(h.attackers.size());
    double first = 0, last = 0;
    uint64_t answered = 0, sessions = 0;
    for (const auto& [addr, a] : h.attackers) {
      ranked.push_back({&addr, &a});
      first = ranked.size() == 1 ? a.first : std::min(first, a.first);
      last = std::max(last, a.last);
      answered += a.answered;
      sessions += a.sessions;
    }
    if (ranked.empty()) continue;  // every attacker over the bounds: nothing to name
    // Who got furthest first (answered on many ports, many sessions: what makes it medium),
    // then who tried most ports and most often; a lone answered probe ranks by its size.
    const auto rank = [&](const Attacker& a) {
      const bool got_in = a.answered_ports.size() >= opt_.medium_answered_ports ||
                          a.sessions >= opt_.medium_sessions;
      return std::tuple(got_in, a.ports.size(), a.attempts, a.answered_ports.size());
    };
    std::sort(ranked.begin(), ranked.end(), [&](const auto& x, const auto& y) {
      if (rank(*x.second) != rank(*y.second)) return rank(*x.second) > rank(*y.second);
      return *x.first < *y.first;
    });
    const Address& top_addr = *ranked.front().first;
    const Attacker& top = *ranked.front().second;

    Finding f;
    f.kind = FindingKind::inbound_attack;
    f.host = host;
    f.first_ts = first;
    f.last_ts = last;
    f.severity = Severity::low;
    std::vector<InboundAttackDetails::Attacker> list;
    for (size_t i = 0; i < ranked.size() && i < opt_.top_attackers; ++i) {
      const Attacker& a = *ranked[i].second;
      std::vector<uint32_t> ports(a.ports.begin(), a.ports.end());
      std::sort(ports.begin(), ports.end());
      std::vector<InboundAttackDetails::Port> sample;
      for (size_t p = 0; p < ports.size() && p < 10; ++p) sample.push_back(port_of_key(ports[p]));
      list.push_back({.attacker = *ranked[i].first,
                      .targets = targets[*ranked[i].first],
                      .ports = a.ports.size(),
                      .answered_ports = a.answered_ports.size(),
                      .attempts = a.attempts,
                      .answered = a.answered,
                      .sessions = a.sessions,
                      .duration_s = a.last - a.first,
                      .sample_ports = std::move(sample)});
      if (a.answered_ports.size() >= opt_.medium_answered_ports ||
          a.sessions >= opt_.medium_sessions) {
        if (f.severity < Severity::medium) {
          f.notes.push_back(fmt::format(
              "severity raised: {} was answered on {} port(s) and completed {} session(s)",
              ranked[i].first->to_string(), a.answered_ports.size(), a.sessions));
        }
        f.severity = Severity::medium;
      }
    }
    if (f.severity == Severity::low) {
      f.notes.push_back(
          "severity low: probes from the Internet that went unanswered or reached few services; "
          "every public address gets them");
    }
    f.details = InboundAttackDetails{.direction = Direction::inbound,
                                     .attacker = top_addr,
                                     .targets = targets[top_addr],
                                     .ports = top.ports.size(),
                                     .attempts = top.attempts,
                                     .answered = top.answered,
                                     .sessions = top.sessions,
                                     .duration_s = top.last - top.first,
                                     .attackers = h.attackers.size(),
                                     .total_attempts = h.attempts,
                                     .total_answered = answered,
                                     .total_sessions = sessions,
                                     .top_attackers = std::move(list)};
    // Evidence: the first attempts of each top attacker in turn, so every one is checkable.
    for (size_t round = 0; round < kSamplesPerAttacker; ++round) {
      for (size_t i = 0; i < ranked.size() && i < opt_.top_attackers; ++i) {
        const auto& samples = ranked[i].second->samples;
        if (round >= samples.size()) continue;
        const Sample& s = samples[round];
        f.cite(s.prov, fmt::format("{} {} from {} to {}:{} ({})", transport_name(s.proto),
                                   s.kind == ProbeKind::none ? "connection" : scan_name(s.kind),
                                   ranked[i].first->to_string(), host.to_string(), s.port,
                                   describe(s.outcome)));
      }
    }
    if (top.ports_capped) {
      f.notes.push_back(fmt::format("ports of {} counted up to {} (memory bound)",
                                    top_addr.to_string(), opt_.max_ports_per_attacker));
    }
    if (h.dropped) {
      f.notes.push_back(fmt::format(
          "{} attempts from further attackers (over the bound of {} per host) were counted but not "
          "kept: attackers counts only those kept",
          h.dropped, opt_.max_attackers_per_host));
    }
    f.summary = fmt::format(
        "{} was probed from outside: {} address(es) made {} inbound attempts ({} answered); "
        "the top attacker, {}, tried {} port(s) {} time(s) ({} answered); inbound, not the "
        "host's own traffic",
        host.to_string(), h.attackers.size(), h.attempts, answered, top_addr.to_string(),
        top.ports.size(), top.attempts, top.answered);
    out.push_back(std::move(f));
  }
}

}  // namespace callhome
