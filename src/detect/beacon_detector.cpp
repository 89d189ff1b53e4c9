#include "detect/beacon_detector.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <span>
#include <variant>

#include "detect/channel_traits.h"
#include "detect/probe.h"

namespace callhome {
namespace {

using beacon::PairScore;
using beacon::Verdict;

constexpr uint32_t kDay = 86400;
constexpr uint8_t kNoServer = 255;  // sni entry whose server is unknown or must not be linked

// Ports explicit proxies listen on: the only internal destinations whose names (CONNECT
// targets, absolute-URL Hosts) are outside destinations, as RITA treats proxied traffic.
bool proxy_port(uint16_t p) {
  return p == 3128 || p == 8080 || p == 8118 || p == 8888 || p == 8000;
}

// "www.example.com:443" and "www.example.com" are one destination; an IPv6 literal keeps its
// colons.
std::string_view strip_port(std::string_view name) {
  const size_t colon = name.rfind(':');
  if (colon == std::string_view::npos || name.find(':') != colon) return name;
  const std::string_view port = name.substr(colon + 1);
  if (port.empty() ||
      !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return name;
  }
  return name.substr(0, colon);
}

uint32_t floor_hour(uint32_t t) {
  return t - t % 3600;
}

std::string utc(double ts) {
  return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", fmt::gmtime(std::time_t(ts)));
}

std::string endpoint(const Address& a, uint16_t port) {
  return a.is_v4() ? fmt::format("{}:{}", a.to_string(), port)
                   : fmt::format("[{}]:{}", a.to_string(), port);
}

std::string duration_text(double s) {
  if (s >= 7200) return fmt::format("{:.1f} h", s / 3600);
  if (s >= 120) return fmt::format("{:.0f} min", s / 60);
  return fmt::format("{:.0f} s", s);
}

Severity severity_of(beacon::Category c) {
  switch (c) {
    case beacon::Category::low:
      return Severity::low;
    case beacon::Category::medium:
      return Severity::medium;
    case beacon::Category::high:
      return Severity::high;
    default:
      return Severity::info;
  }
}

BeaconType type_of(BeaconDetector::Kind k) {
  switch (k) {
    case BeaconDetector::Kind::sni:
      return BeaconType::sni;
    case BeaconDetector::Kind::net:
      return BeaconType::net;
    default:
      return BeaconType::ip;
  }
}

// Median of the non-zero intervals of sorted timestamps: the period RITA's MAD term uses.
double interval_median(std::span<const uint32_t> ts) {
  std::vector<double> gaps;
  for (size_t i = 1; i < ts.size(); ++i) {
    if (ts[i] != ts[i - 1]) gaps.push_back(double(ts[i] - ts[i - 1]));
  }
  std::sort(gaps.begin(), gaps.end());
  return beacon::median_sorted(gaps);
}

// The rhythm of one scored window, in the terms a person uses: how often, how regular, and
// whether attempts come in bursts (a retry loop: several tries a second apart, then a pause).
struct Rhythm {
  double mode = 0, median = 0, mad = 0;  // of the non-zero intervals
  bool bursty = false;
  size_t bursts = 0;
  double size_median = 0, size_q1 = 0, size_q3 = 0;        // attempts per burst
  double period_median = 0, period_q1 = 0, period_q3 = 0;  // burst start to burst start
};

// Groups attempts into bursts cut at pauses longer than `cut` seconds; false with fewer than
// three bursts.
bool group_bursts(std::span<const uint32_t> ts, uint32_t cut, Rhythm& y) {
  std::vector<double> starts = {double(ts[0])}, sizes, periods;
  size_t size = 1;
  for (size_t i = 1; i < ts.size(); ++i) {
    if (ts[i] - ts[i - 1] > cut) {
      periods.push_back(ts[i] - starts.back());
      starts.push_back(ts[i]);
      sizes.push_back(double(size));
      size = 0;
    }
    ++size;
  }
  sizes.push_back(double(size));
  y.bursts = starts.size();
  if (y.bursts < 3) return false;
  std::sort(sizes.begin(), sizes.end());
  std::sort(periods.begin(), periods.end());
  const auto sq = *beacon::quartiles_sorted(sizes);
  const auto pq = *beacon::quartiles_sorted(periods);
  y.size_median = sq.q2;
  y.size_q1 = sq.q1;
  y.size_q3 = sq.q3;
  y.period_median = pq.q2;
  y.period_q1 = pq.q1;
  y.period_q3 = pq.q3;
  y.bursty = y.size_median >= 2;
  return true;
}

Rhythm rhythm_of(std::span<const uint32_t> ts, const PairScore& r) {
  Rhythm y;
  y.mad = r.ts.mad;
  int64_t best = 0;
  const auto& iv = r.ts.intervals;
  for (size_t i = 0; i < iv.values.size(); ++i) {  // RITA's mode counts zeros; a person doesn't
    if (iv.values[i] > 0 && iv.counts[i] > best) {
      best = iv.counts[i];
      y.mode = double(iv.values[i]);
    }
  }
  y.median = interval_median(ts);
  if (y.mode > 5) return y;
  // Attempts seconds apart: cut at pauses of more than 10 s. A retry session may itself pause
  // (Case 2: 5 tries, 18 s, 14 tries, then an hour): when burst starts alternate between short
  // and long gaps, the sessions are cut at pauses of more than two minutes instead.
  if (!group_bursts(ts, 10, y)) return y;
  if (y.period_q3 > 4 * y.period_q1) {
    Rhythm sessions = y;
    if (group_bursts(ts, 120, sessions) && sessions.size_median >= 2) y = sessions;
  }
  return y;
}

// A retry loop on a schedule: most attempts fail, in bursts whose starts keep a steady period
// (quartiles within a quarter of the median). RITA scores single connections, so such loops can
// fall under its threshold while being exactly what a person looks for (Case 2).
bool retry_schedule(const Rhythm& y, size_t failed, size_t n) {
  return failed * 2 > n && y.bursty && y.bursts >= 4 && y.period_median >= 60 &&
         y.period_q3 - y.period_q1 <= 0.25 * y.period_median;
}

// Whether an answered connection continues one the pair already counted: the same source port,
// destination port and protocol as one of its last few connections, and for TCP no opening SYN
// (Zeek starts a new record for a connection idle past its inactivity timeout; that record has
// no 'S'). A UDP client that keeps its source port is one flow to the network, as Zeek sees it.
// Failed attempts never continue anything: each retry is an attempt of its own.
bool continues(BeaconDetector::Pair& p, const Connection& c, uint32_t ts) {
  if (p.kind != BeaconDetector::Kind::ip && p.kind != BeaconDetector::Kind::link) return false;
  const bool opens = c.ip_proto == kProtoTcp && c.history.find('S') != std::string::npos;
  for (auto& f : p.flows) {
    if (f.used && !opens && f.sport == c.orig_p && f.dport == c.resp_p && f.proto == c.ip_proto &&
        f.start <= ts) {
      return true;
    }
  }
  auto& f = p.flows[p.next_flow];
  p.next_flow = uint8_t((p.next_flow + 1) % p.flows.size());
  f = {ts, c.orig_p, c.resp_p, c.ip_proto, true};
  return false;
}

// Closes up session breaks: each interval longer than factor x the median non-zero interval and
// `floor` seconds is replaced by the median, so the intervals RITA's MAD and Bowley terms see are
// the schedule's own. Returns the breaks.
std::vector<uint32_t> close_breaks(std::vector<uint32_t>& ts, double factor, uint32_t floor) {
  std::vector<uint32_t> breaks;
  const double m = interval_median(ts);
  if (m <= 0) return breaks;
  const double cut = std::max(factor * m, double(floor));
  uint32_t shift = 0;
  for (size_t i = 1; i < ts.size(); ++i) {
    const uint32_t gap = ts[i] - shift - ts[i - 1];
    if (gap > cut) {
      breaks.push_back(gap);
      shift += gap - uint32_t(m);
    }
    ts[i] -= shift;
  }
  return breaks;
}

}  // namespace

void BeaconDetector::seen(const Address& host, uint32_t ts) {
  Span& s = hosts_[host];
  s.first = std::min(s.first, ts);
  s.last = std::max(s.last, ts);
}

BeaconDetector::Pair* BeaconDetector::pair_for(Kind kind, const Address& host, const Address& dst,
                                               uint16_t port, const std::string* name) {
  const auto fresh = [&](auto& map, auto&& key) -> Pair* {
    if (auto it = map.find(key); it != map.end()) return &it->second;
    if (stats_.pairs >= opt_.max_pairs) {
      ++stats_.events_no_pair;
      return nullptr;
    }
    ++stats_.pairs;
    Pair& p = map[key];
    p.kind = kind;
    return &p;
  };
  switch (kind) {
    case Kind::sni:
      return fresh(sni_, std::pair<Address, std::string>(host, *name));
    case Kind::net:
      return fresh(net_, std::tuple<Address, Address, uint16_t>(host, dst, port));
    default:
      return fresh(ip_, std::pair<Address, Address>(host, dst));
  }
}

bool BeaconDetector::add(Pair& p, uint32_t ts, uint64_t bytes, bool failed, bool blocked,
                         const Sample& s) {
  ++p.count;
  bool stored = false;
  if (p.entries.size() < opt_.max_timestamps_per_pair && entries_ < opt_.max_entries) {
    Entry e{ts, uint32_t(std::min<uint64_t>(bytes, (1u << 29) - 1)), failed, blocked, 0};
    p.entries.push_back(e);
    ++entries_;
    stored = true;
  } else {
    ++stats_.timestamps_dropped;
  }
  if (p.kind == Kind::link) return stored;  // used only to tie names to connections
  auto& sm = p.samples;
  if (p.count == 1 || s.ts >= sm[3].ts) sm[3] = s;
  size_t n = p.n_samples;
  if (n < 3 || s.ts < sm[n - 1].ts) {  // keep the three earliest, in order
    size_t i = n < 3 ? n : 2;
    if (n < 3) ++p.n_samples;
    sm[i] = s;
    for (; i > 0 && sm[i].ts < sm[i - 1].ts; --i) std::swap(sm[i], sm[i - 1]);
  }
  const uint16_t port = s.dport;
  if (std::find(p.ports.begin(), p.ports.begin() + p.n_ports, port) ==
      p.ports.begin() + p.n_ports) {
    if (p.n_ports < p.ports.size()) {
      p.ports[p.n_ports++] = port;
    } else {
      p.more_ports = true;
    }
  }
  return stored;
}

void BeaconDetector::on_connection(const Connection& c) {
  if (c.ts < 0 || c.ts >= 4294967296.0 || !opt_.internal.contains(c.orig_h)) return;
  // FIN, NULL, XMAS ... probes are a scan's, never a check-in, however regular nmap's pacing.
  if (is_stealth_probe(c)) return;
  seen(c.orig_h, uint32_t(c.ts));
  const Address& dst = c.resp_h;
  Kind kind = Kind::ip;
  if (opt_.internal.contains(dst)) {
    // Internal destinations are not beacons (RITA filters them), but connections to a proxy
    // are kept so that the names requested through it can borrow their times and sizes.
    if (c.ip_proto != kProtoTcp || !proxy_port(c.resp_p)) return;
    kind = Kind::link;
  } else if (dst.is_unspecified() || is_local_scope(dst)) {
    return;
  }
  const auto ts = uint32_t(c.ts);
  const bool blocked = c.action == Action::blocked;
  const bool failed = blocked || is_failed_attempt(c);
  const uint64_t bytes = c.has_counts ? c.orig_ip_bytes : 0;
  const Sample s{c.ts, c.first, dst, c.orig_p, c.resp_p, c.ip_proto, outcome_of(c), nullptr};
  if (Pair* p = pair_for(kind, c.orig_h, dst, 0, nullptr)) {
    if (!failed && continues(*p, c, ts)) {
      ++stats_.pieces;
    } else {
      add(*p, ts, bytes, failed, blocked, s);
    }
  }
  if (kind != Kind::ip || !failed || (c.ip_proto != kProtoTcp && c.ip_proto != kProtoUdp)) return;
  const Address net = mask_prefix(dst, dst.is_v4() ? 96 + opt_.net_prefix_v4 : opt_.net_prefix_v6);
  Pair* p = pair_for(Kind::net, c.orig_h, net, c.resp_p, nullptr);
  if (!p) return;
  add(*p, ts, bytes, failed, blocked, s);
  if (p->addrs.size() < 255 && std::find(p->addrs.begin(), p->addrs.end(), dst) == p->addrs.end()) {
    p->addrs.push_back(dst);
  }
}

void BeaconDetector::add_name(const Address& client, std::string_view name, double ts,
                              const Address& server, uint16_t port, bool linkable, bool blocked,
                              Provenance prov, const char* what) {
  if (ts < 0 || ts >= 4294967296.0) return;
  seen(client, uint32_t(ts));
  const std::string key(strip_port(name));
  if (key.empty()) return;
  Pair* p = pair_for(Kind::sni, client, {}, 0, &key);
  if (!p) return;
  const Sample s{
      ts, prov, server, 0, port, kProtoTcp, blocked ? Outcome::blocked : Outcome::unknown, what};
  if (!add(*p, uint32_t(ts), 0, blocked, blocked, s)) return;
  uint8_t idx = kNoServer;
  if (linkable && !server.is_unspecified()) {
    auto it = std::find(p->addrs.begin(), p->addrs.end(), server);
    if (it != p->addrs.end()) {
      idx = uint8_t(it - p->addrs.begin());
    } else if (p->addrs.size() < kNoServer) {
      idx = uint8_t(p->addrs.size());
      p->addrs.push_back(server);
    }
  }
  p->server.push_back(idx);
}

void BeaconDetector::on_http(const HttpEvent& e) {
  if (e.host.empty() || !opt_.internal.contains(e.client)) return;
  const bool absolute = e.url.starts_with("http://") || e.url.starts_with("https://");
  const bool proxied = e.via_proxy || e.method == "CONNECT" || absolute;
  const bool external = e.server.is_unspecified() || !opt_.internal.contains(e.server);
  if (!proxied && !external) return;  // an intranet server: not calling home
  // A proxy's own log names the upstream server, which the client never connected to: such a
  // request cannot be tied to one of the client's connections.
  add_name(e.client, e.host, e.ts, e.server, e.server_port, !e.via_proxy,
           e.action == Action::blocked, e.prov,
           e.method == "CONNECT" ? "http CONNECT" : "http request");
}

void BeaconDetector::on_name(const NameEvent& e) {
  const char* what = e.source == "tls_sni"     ? "tls_sni"
                     : e.source == "http_host" ? "http_host"
                                               : nullptr;
  if (!what || e.name.empty() || !opt_.internal.contains(e.client)) return;
  if (opt_.internal.contains(e.server) && !proxy_port(e.server_port)) return;
  add_name(e.client, e.name, e.ts, e.server, e.server_port, true, false, e.prov, what);
}

// Each name takes the time and size of the connection that carried it and removes that
// connection from the address pair, as RITA does with Zeek uids: one beacon per connection,
// reported under its name when it has one.
void BeaconDetector::link_names() {
  const auto by_ts = [](const Entry& a, const Entry& b) { return a.ts < b.ts; };
  for (auto& [key, p] : sni_) {
    std::vector<std::pair<Entry, uint8_t>> z;
    z.reserve(p.entries.size());
    for (size_t i = 0; i < p.entries.size(); ++i) z.emplace_back(p.entries[i], p.server[i]);
    std::stable_sort(z.begin(), z.end(),
                     [](const auto& a, const auto& b) { return a.first.ts < b.first.ts; });
    p.entries.clear();
    p.server.clear();
    for (auto [e, idx] : z) {
      if (idx != kNoServer) {
        auto it = ip_.find(std::pair<Address, Address>(key.first, p.addrs[idx]));
        if (it != ip_.end()) {
          auto& conns = it->second.entries;
          auto pos = std::upper_bound(conns.begin(), conns.end(), Entry{e.ts, 0, 0, 0, 0}, by_ts);
          if (pos != conns.begin() && e.ts - (--pos)->ts <= opt_.link_window_s) {
            // Parallel connections opened in the same second: take the first still free.
            auto q = pos;
            while (q->claimed && q != conns.begin() && std::prev(q)->ts == pos->ts) --q;
            if (q->claimed) {  // a further request on an already counted connection
              ++stats_.multi_requests;
              --p.count;
              continue;
            }
            q->claimed = 1;
            e.ts = q->ts;
            e.bytes = q->bytes;
            ++stats_.names_linked;
          }
        }
      }
      p.entries.push_back(e);
      p.server.push_back(idx);
    }
    std::stable_sort(p.entries.begin(), p.entries.end(), by_ts);  // linked times may reorder
  }
  for (auto& [key, p] : ip_) {
    const size_t before = p.entries.size();
    std::erase_if(p.entries, [](const Entry& e) { return e.claimed; });
    p.count -= before - p.entries.size();
  }
}

void BeaconDetector::finish(std::vector<Finding>& out) {
  const auto by_ts = [](const Entry& a, const Entry& b) { return a.ts < b.ts; };
  for (auto& [k, p] : ip_) std::stable_sort(p.entries.begin(), p.entries.end(), by_ts);
  for (auto& [k, p] : net_) std::stable_sort(p.entries.begin(), p.entries.end(), by_ts);
  link_names();

  std::vector<Finding> ip, sni, net;
  for (const auto& [key, p] : ip_) {
    if (p.kind == Kind::ip) report(key.first, key.second.to_string(), p, ip);
  }
  for (const auto& [key, p] : sni_) report(key.first, key.second, p, sni);
  for (const auto& [key, p] : net_) {
    const auto& [host, prefix, port] = key;
    if (p.addrs.size() < 2) continue;  // one address: its ip pair says the same
    const int bits = prefix.is_v4() ? 96 + opt_.net_prefix_v4 : opt_.net_prefix_v6;
    report(host, Cidr{prefix, bits}.to_string(), p, net);
  }
  // An address that is a retry loop on its own inside a reported pool is part of that loop.
  for (Finding& n : net) {
    const auto* nb = std::get_if<BeaconDetails>(&n.details);
    const auto* ns = std::get_if<StrobeDetails>(&n.details);
    const auto pool = Cidr::parse(nb ? nb->dst : ns ? ns->dst : std::string());
    std::vector<double> scores;
    std::erase_if(ip, [&](const Finding& f) {
      const auto* d = std::get_if<BeaconDetails>(&f.details);
      if (!d || f.host != n.host || !d->retry_loop) return false;
      const auto a = Address::parse(d->dst);
      if (!a || !pool || !pool->contains(*a)) return false;
      scores.push_back(d->score);
      return true;
    });
    if (scores.empty()) continue;
    const auto [lo, hi] = std::minmax_element(scores.begin(), scores.end());
    n.notes.push_back(fmt::format(
        "{} of these addresses were also retried on a schedule on their own (scores {} to {}); "
        "reported here as one loop",
        scores.size(), *lo, *hi));
  }
  std::vector<Finding> all;
  for (auto* v : {&ip, &sni, &net}) std::move(v->begin(), v->end(), std::back_inserter(all));
  // Hash-map order differs from run to run; reports must not.
  std::sort(all.begin(), all.end(), [](const Finding& a, const Finding& b) {
    return std::tie(a.first_ts, a.host, a.summary) < std::tie(b.first_ts, b.host, b.summary);
  });
  for (auto& f : all) {
    if (stats_.events_no_pair || stats_.timestamps_dropped) {
      f.notes.push_back(
          fmt::format("memory bounds reached: {} events found no pair, {} timestamps were not kept",
                      stats_.events_no_pair, stats_.timestamps_dropped));
    }
    out.push_back(std::move(f));
  }
}

// RITA analyses the last 24 h of a dataset. Evidence here may span days and hosts, so each pair
// has its own windows, on its host's evidence only: the first ends at the last time the host was
// seen, each reaches back 24 h (or to the first time the host was seen, so that a short capture
// is measured on its own length), and the pair is reported from the latest one in which it
// beacons. Anchoring on the host's evidence rather than the pair's alone keeps RITA's coverage
// term: a burst in a day of traffic, or a schedule that stopped hours ago, covers little.
BeaconDetector::Scored BeaconDetector::pick_window(const Address& host, const Pair& p) const {
  Scored s;
  // A pair that outgrew its cap had 86400 or more connections: a strobe (RITA's count gate).
  s.strobe = p.count >= opt_.params.strobe_threshold && p.count > p.entries.size();
  if (p.entries.size() < size_t(opt_.params.unique_connection_threshold)) return s;
  const uint32_t first = p.entries.front().ts, last = p.entries.back().ts;
  const auto span = hosts_.find(host);
  const uint32_t host_first = span != hosts_.end() ? std::min(span->second.first, first) : first;
  const uint32_t host_last = span != hosts_.end() ? std::max(span->second.last, last) : last;
  std::vector<uint32_t> ts;
  std::vector<double> bytes;
  for (int64_t end = host_last; end >= int64_t(first); end -= kDay) {
    const Window win{uint32_t(std::max<int64_t>(host_first, end - kDay)), uint32_t(end)};
    const auto lo = std::lower_bound(p.entries.begin(), p.entries.end(), floor_hour(win.min),
                                     [](const Entry& e, uint32_t t) { return e.ts < t; });
    const auto hi = std::upper_bound(lo, p.entries.end(), win.max,
                                     [](uint32_t t, const Entry& e) { return t < e.ts; });
    if (hi - lo < 4) continue;
    ts.clear();
    bytes.clear();
    for (auto e = lo; e != hi; ++e) {
      ts.push_back(e->ts);
      bytes.push_back(double(e->bytes));
    }
    beacon::PairScore r = beacon::score_pair(ts, bytes, win.min, win.max, opt_.params);
    if (r.verdict == Verdict::strobe) s.strobe = true;
    if (r.verdict != Verdict::scored) continue;
    // Too short a span for a schedule: a burst of reconnects, a scan's probes.
    // A loop of failed attempts is exempt: retry_schedule() asks it for four bursts a minute or
    // more apart, and a client retrying a dead server briefly is what reverse shells do. It
    // retries a service or two (Ann's Aurora: the shell's port, then the next one); failed
    // attempts on more ports than a pair keeps (four) are a scan's probes.
    const size_t failed = size_t(std::count_if(lo, hi, [](const Entry& e) { return e.failed; }));
    const bool retry_loop = failed * 2 > ts.size() && !p.more_ports;
    if (!retry_loop &&
        (r.unique < opt_.min_intervals + 1 || ts.back() - ts.front() < opt_.min_span_s)) {
      continue;
    }
    // Sessions of one schedule: the breaks between them are no interval of it.
    std::vector<uint32_t> closed = ts;
    std::vector<uint32_t> breaks =
        close_breaks(closed, opt_.session_break_factor, opt_.session_break_s);
    if (!breaks.empty()) {
      if (auto t = beacon::timestamp_score(closed)) {
        r.ts = std::move(*t);
        r.score = beacon::beacon_score(r.ts.score, r.ds.score, r.dur.score, r.hist.score,
                                       opt_.params.weights)
                      .value_or(r.score);
        r.threat = beacon::bucketed_score(r.score * 100, opt_.params.thresholds);
        r.category = beacon::category_of(r.threat);
      }
    }
    const bool schedule_only = r.score < opt_.min_score;
    if (schedule_only) {
      if (!retry_schedule(rhythm_of(closed, r), failed, ts.size())) continue;
    }
    // RITA's MAD term alone: a typical deviation above half the interval is no schedule.
    const double m = interval_median(closed);
    if (!schedule_only && (m - r.ts.mad) / m < opt_.min_ts_mad_score) {
      s.irregular = true;
      continue;
    }
    s.r = std::move(r);
    s.w = win;
    s.lo = size_t(lo - p.entries.begin());
    s.hi = size_t(hi - p.entries.begin());
    s.reportable = true;
    s.schedule_only = schedule_only;
    s.ts = std::move(closed);
    s.breaks = std::move(breaks);
    break;
  }
  return s;
}

namespace {

// How the pair's destination reads in a sentence.
std::string where_text(const std::string& dst, const BeaconDetector::Pair& p) {
  std::string ports;
  for (size_t i = 0; i < p.n_ports; ++i) ports += (i ? ", " : "") + std::to_string(p.ports[i]);
  if (p.more_ports) ports += ", ...";
  switch (p.kind) {
    case BeaconDetector::Kind::net:
      return fmt::format("port {} on {} addresses in {}", p.ports[0], p.addrs.size(), dst);
    case BeaconDetector::Kind::ip:
      if (p.n_ports == 1 && !p.more_ports) return endpoint(*Address::parse(dst), p.ports[0]);
      return fmt::format("{} (ports {})", dst, ports);
    default:
      return dst;
  }
}

void cite_samples(Finding& f, const std::string& dst, const BeaconDetector::Pair& p) {
  for (size_t i = 0; i < p.samples.size(); ++i) {
    if (i >= p.n_samples && i != 3) continue;
    const BeaconDetector::Sample& s = p.samples[i];
    if (i == 3 && p.n_samples > 0 && s.prov == p.samples[p.n_samples - 1].prov) continue;
    if (p.kind == BeaconDetector::Kind::sni) {
      f.cite(s.prov, fmt::format("{} {} from {} to {} at {}{}", s.what ? s.what : "name", dst,
                                 f.host.to_string(),
                                 s.dst.is_unspecified() ? "?" : endpoint(s.dst, s.dport), utc(s.ts),
                                 s.outcome == Outcome::blocked ? " (blocked)" : ""));
    } else {
      f.cite(s.prov, fmt::format("{} {} -> {} at {} ({})", transport_name(s.proto),
                                 endpoint(f.host, s.sport), endpoint(s.dst, s.dport), utc(s.ts),
                                 describe(s.outcome)));
    }
  }
}

std::string range_text(double lo, double hi) {
  return lo == hi ? fmt::format("{:.0f}", lo) : fmt::format("{:.0f} to {:.0f}", lo, hi);
}

std::string rhythm_text(const Rhythm& y, const char* what) {
  if (y.bursty) {
    return fmt::format("in {} bursts of {} {} {:.0f} s apart, a burst every {} s", y.bursts,
                       range_text(y.size_q1, y.size_q3), what, y.mode,
                       range_text(y.period_q1, y.period_q3));
  }
  if (y.mad > 0) return fmt::format("every {:.0f} s (jitter {:.0f} s)", y.median, y.mad);
  return fmt::format("every {:.0f} s", y.median);
}

std::string outcome_text(size_t n, size_t failed, size_t blocked, const char* blocker) {
  if (blocked == n) return fmt::format("all blocked by {}", blocker);
  if (failed == n && blocked) {
    return fmt::format("none got through ({} blocked, the rest unanswered or refused)", blocked);
  }
  if (failed == n) return "none answered";
  return fmt::format("{} of them failed or were blocked", failed);
}

}  // namespace

void BeaconDetector::report(const Address& host, const std::string& dst, const Pair& p,
                            std::vector<Finding>& out) {
  const Scored s = pick_window(host, p);
  Finding f;
  f.host = host;
  std::string where = where_text(dst, p);
  std::string proxy;  // names requested through an internal proxy
  for (const Address& a : p.kind == Kind::sni ? p.addrs : std::vector<Address>{}) {
    if (opt_.internal.contains(a)) {
      proxy = p.n_ports == 1 ? endpoint(a, p.ports[0]) : a.to_string();
      where += " through the proxy " + proxy;
      break;
    }
  }
  if (!s.reportable) {
    stats_.irregular += s.irregular;
    if (!s.strobe) return;
    // A connection a second or more for a day: RITA's strobe, never beacon-scored.
    f.kind = FindingKind::strobe;
    f.severity = Severity::high;
    f.first_ts = p.entries.empty() ? 0 : p.entries.front().ts;
    f.last_ts = p.entries.empty() ? 0 : p.entries.back().ts;
    const double span = f.last_ts - f.first_ts;
    const double rate = span > 0 ? double(p.count) / span : double(p.count);
    f.details = StrobeDetails{
        .dst = dst, .beacon_type = type_of(p.kind), .connections = p.count, .per_second = rate};
    f.summary = fmt::format(
        "{} opened {} connections to {} ({:.1f} a second): find the program "
        "that opens them",
        host.to_string(), p.count, where, rate);
    f.notes.push_back("RITA strobe (86400 connections or more): impact category high");
    cite_samples(f, dst, p);
    out.push_back(std::move(f));
    return;
  }

  const beacon::PairScore& r = s.r;
  std::vector<uint32_t> ts;
  size_t failed = 0, blocked = 0, zero_bytes = 0;
  for (size_t i = s.lo; i < s.hi; ++i) {
    const Entry& e = p.entries[i];
    ts.push_back(e.ts);
    failed += e.failed;
    blocked += e.blocked;
    zero_bytes += e.bytes == 0;
  }
  const size_t n = ts.size();
  const Rhythm y = rhythm_of(s.ts, r);
  const bool retry = failed * 2 > n;

  f.kind = FindingKind::beacon;
  f.severity = s.schedule_only ? Severity::low : severity_of(r.category);
  f.first_ts = ts.front();
  f.last_ts = ts.back();
  BeaconDetails d;
  d.dst = dst;
  d.beacon_type = type_of(p.kind);
  d.interval_s = y.mode;
  d.interval_median_s = y.median;
  d.jitter_s = y.mad;
  d.connections = n;
  d.unique_timestamps = r.unique;
  d.score = r.score;
  d.ts_score = r.ts.score;
  d.ds_score = r.ds.score;
  d.hist_score = r.hist.score;
  d.dur_score = r.dur.score;
  d.threat_score = beacon::round3(r.threat);
  d.retry_loop = retry;
  d.failed = failed;
  d.blocked = blocked;
  d.total_connections = p.count;
  d.window_start = s.w.min;
  d.window_end = s.w.max;
  d.sessions = s.breaks.size() + 1;
  d.hourly = r.hist.hist.bins;
  d.ports = std::vector<uint16_t>(p.ports.begin(), p.ports.begin() + p.n_ports);
  if (p.n_samples > 0) d.proto = p.samples[0].proto;
  if (d.ports.size() == 1 && !p.more_ports && proxy.empty()) d.dst_port = d.ports[0];
  if (!proxy.empty()) d.proxy = proxy;
  if (p.kind != Kind::ip && !p.addrs.empty()) {
    std::vector<Address> a(p.addrs.begin(), p.addrs.begin() + std::min<size_t>(p.addrs.size(), 20));
    // A pool's addresses are the destinations tried (named as the scan findings name theirs);
    // a name's are the servers it was asked of, which may be a proxy.
    if (p.kind == Kind::net) {
      d.addresses = p.addrs.size();
      d.sample_targets = std::move(a);
    } else {
      d.servers = std::move(a);
    }
  }
  if (y.bursty) {
    d.bursts = BeaconBursts{.count = y.bursts,
                            .size_median = y.size_median,
                            .size_q1 = y.size_q1,
                            .size_q3 = y.size_q3,
                            .interval_median_s = y.period_median,
                            .interval_q1_s = y.period_q1,
                            .interval_q3_s = y.period_q3};
  }
  f.details = std::move(d);

  std::string span = duration_text(double(ts.back() - ts.front()));
  if (!s.breaks.empty()) span += fmt::format(" in {} sessions", s.breaks.size() + 1);
  if (retry) {
    f.summary = fmt::format(
        "{} retried {} {}, {} times over {}, {}: find the program that keeps retrying (a "
        "per-process firewall log or netstat -bno on the host names it)",
        host.to_string(), where, rhythm_text(y, "attempts"), n, span,
        outcome_text(n, failed, blocked, p.kind == Kind::sni ? "the proxy" : "the firewall"));
  } else {
    f.summary = fmt::format(
        "{} contacted {} {}, {} times over {} (beacon score {:.2f}): find the program making "
        "these connections and check who runs {}",
        host.to_string(), where, rhythm_text(y, "connections"), n, span, r.score, dst);
  }
  f.notes.push_back(fmt::format(
      "RITA v5 beacon score {} (timestamps {}, sizes {}, duration {}, histogram {}) is in RITA's "
      "{} band (threat {:.3f}, thresholds {}/{}/{}/{})",
      r.score, r.ts.score, r.ds.score, r.dur.score, r.hist.score, beacon::to_string(r.category),
      r.threat, opt_.params.thresholds.base, opt_.params.thresholds.low, opt_.params.thresholds.med,
      opt_.params.thresholds.high));
  if (s.schedule_only) {
    f.notes.push_back(fmt::format(
        "under RITA's reporting threshold ({}), reported as a retry loop on a schedule: {} "
        "bursts, one every {:.0f} s",
        opt_.min_score, y.bursts, y.period_median));
  }
  if (!s.breaks.empty()) {
    std::string gaps;
    for (uint32_t b : s.breaks) gaps += (gaps.empty() ? "" : ", ") + duration_text(b);
    f.notes.push_back(fmt::format(
        "{} pause{} of {} between sessions (longer than {:.0f} x the median interval and {}) "
        "left out of the interval statistics",
        s.breaks.size(), s.breaks.size() > 1 ? "s" : "", gaps, opt_.session_break_factor,
        duration_text(opt_.session_break_s)));
  }
  if (zero_bytes == n) {
    f.notes.push_back(
        "no sizes in this evidence (or empty attempts): RITA scores all-zero sizes 0.5");
  }
  cite_samples(f, dst, p);
  out.push_back(std::move(f));
}

}  // namespace callhome
