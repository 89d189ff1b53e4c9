#include "report/connection_summary.h"

#include <fmt/format.h>

#include <algorithm>

namespace callhome {

void ConnectionSummary::on_connection(const Connection& c) {
  ++total_;
  if (!internal_.contains(c.orig_h)) return;
  Host& h = hosts_[c.orig_h];
  ++h.connections;
  if (h.first_ts == 0 || c.ts < h.first_ts) h.first_ts = c.ts;
  h.last_ts = std::max(h.last_ts, c.ts + (c.has_duration ? c.duration : 0));
  if (internal_.contains(c.resp_h)) return;
  ++h.outbound;
  if (c.action == Action::blocked) {
    ++h.blocked;
  } else if (c.ip_proto == kProtoTcp && is_failed_attempt(c)) {
    ++h.failed;
  }
  if (h.destinations.size() < kMaxDistinct) h.destinations.insert(c.resp_h);
  uint32_t port_key = uint32_t(c.ip_proto) << 16 | c.resp_p;
  if (h.ports.size() < kMaxDistinct || h.ports.contains(port_key)) ++h.ports[port_key];
}

std::vector<ConnectionSummary::HostRow> ConnectionSummary::ranked() const {
  std::vector<HostRow> rows;
  rows.reserve(hosts_.size());
  for (const auto& [addr, h] : hosts_) {
    HostRow r;
    r.host = addr;
    r.connections = h.connections;
    r.outbound = h.outbound;
    r.failed = h.failed;
    r.blocked = h.blocked;
    r.destinations = h.destinations.size();
    r.first_ts = h.first_ts;
    r.last_ts = h.last_ts;
    std::vector<std::pair<uint32_t, uint64_t>> ports(h.ports.begin(), h.ports.end());
    std::sort(ports.begin(), ports.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    for (size_t i = 0; i < ports.size() && i < 5; ++i) {
      r.top_ports.emplace_back(uint16_t(ports[i].first & 0xffff), ports[i].second);
    }
    rows.push_back(std::move(r));
  }
  std::sort(rows.begin(), rows.end(), [](const HostRow& a, const HostRow& b) {
    uint64_t sa = a.failed + a.blocked, sb = b.failed + b.blocked;
    if (sa != sb) return sa > sb;
    if (a.destinations != b.destinations) return a.destinations > b.destinations;
    if (a.outbound != b.outbound) return a.outbound > b.outbound;
    return a.host < b.host;
  });
  return rows;
}

std::string ConnectionSummary::render_text(size_t limit) const {
  std::string out;
  auto rows = ranked();
  fmt::format_to(std::back_inserter(out), "{} connection records, {} internal hosts originating\n",
                 total_, rows.size());
  if (rows.empty()) return out;
  fmt::format_to(std::back_inserter(out), "{:<40} {:>8} {:>8} {:>7} {:>7} {:>6}  {}\n",
                 "internal host", "conns", "outbound", "failed", "blocked", "dests",
                 "top destination ports");
  for (size_t i = 0; i < rows.size() && i < limit; ++i) {
    const auto& r = rows[i];
    std::string ports;
    for (const auto& [port, n] : r.top_ports) {
      if (!ports.empty()) ports += ", ";
      ports += fmt::format("{} ({})", port, n);
    }
    fmt::format_to(std::back_inserter(out), "{:<40} {:>8} {:>8} {:>7} {:>7} {:>6}  {}\n",
                   r.host.to_string(), r.connections, r.outbound, r.failed, r.blocked,
                   r.destinations, ports);
  }
  if (rows.size() > limit) {
    fmt::format_to(std::back_inserter(out), "... and {} more hosts\n", rows.size() - limit);
  }
  return out;
}

}  // namespace callhome
