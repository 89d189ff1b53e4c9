#include "fingerprint/software_observer.h"

#include <algorithm>

#include "fingerprint/icmp_echo.h"

namespace callhome {
namespace {

bool same_observation(const TcpSignature& a, const TcpSignature& b) {
  return a.ip_version == b.ip_version && a.ttl == b.ttl && a.ip_opt_len == b.ip_opt_len &&
         a.mss == b.mss && a.win == b.win && a.wscale == b.wscale && a.same_layout(b) &&
         a.eol_pad == b.eol_pad && a.quirks == b.quirks && a.pay_class == b.pay_class;
}

void seen(double ts, double& first_ts, double& last_ts) {
  if (first_ts == 0 || ts < first_ts) first_ts = ts;
  if (ts > last_ts) last_ts = ts;
}

std::string destination(const ClientHello& h, const PacketSampleEvent& e) {
  if (!h.server_name.empty()) return h.server_name.substr(0, 255);
  std::string d = e.dst.to_string();
  if (e.dst_port != 443) d = (e.dst.is_v4() ? d : "[" + d + "]") + ":" + std::to_string(e.dst_port);
  return d;
}

}  // namespace

SoftwareObserver::SoftwareObserver(SoftwareObserverOptions options) : opt_(std::move(options)) {}

SoftwareObserver::Host* SoftwareObserver::host(const Address& a) {
  auto it = hosts_.find(a);
  if (it != hosts_.end()) return it->second.get();
  if (hosts_.size() >= opt_.caps.hosts) {
    ++hosts_dropped_;
    return nullptr;
  }
  auto h = std::make_unique<Host>();
  h->sw.host = a;
  return hosts_.emplace(a, std::move(h)).first->second.get();
}

void SoftwareObserver::on_packet_sample(const PacketSampleEvent& e) {
  switch (e.kind) {
    case PacketSampleEvent::Kind::tcp_syn:
      tcp_handshake(e, false);
      break;
    case PacketSampleEvent::Kind::tcp_syn_ack:
      tcp_handshake(e, true);
      break;
    case PacketSampleEvent::Kind::tls_client_hello:
      client_hello(e);
      break;
    case PacketSampleEvent::Kind::icmp_echo_request:
      icmp_echo(e);
      break;
  }
}

void SoftwareObserver::tcp_handshake(const PacketSampleEvent& e, bool syn_ack) {
  if (!opt_.p0f) return;
  if (!syn_ack && opt_.internal.contains(e.dst)) {
    // Remember the MSS this SYN offers, for the internal server's SYN+ACK.
    if (read_tcp_signature(e.ip_header, e.transport, e.payload_len, sig_) && sig_.mss > 0) {
      if (syn_mss_.size() >= 65536) syn_mss_.clear();
      syn_mss_[FlowKey4{e.src, e.dst, e.src_port, e.dst_port}] = uint16_t(sig_.mss);
    }
  }
  if (!opt_.internal.contains(e.src)) return;
  if (!read_tcp_signature(e.ip_header, e.transport, e.payload_len, sig_)) return;
  uint16_t syn_mss = 0;
  if (syn_ack) {
    auto it = syn_mss_.find(FlowKey4{e.dst, e.src, e.dst_port, e.src_port});
    if (it != syn_mss_.end()) {
      syn_mss = it->second;
      syn_mss_.erase(it);
    }
  }
  Host* h = host(e.src);
  if (!h) return;
  for (size_t i = 0; i < h->os_keys.size(); ++i) {
    const OsEntry& k = h->os_keys[i];
    if (k.syn_ack == syn_ack && same_observation(k.observed, sig_)) {
      OsObservation& o = h->sw.os[i];
      ++o.packets;
      seen(e.ts, o.first_ts, o.last_ts);
      return;
    }
  }
  if (h->sw.os.size() >= opt_.caps.os) {
    ++h->sw.dropped.os;
    return;
  }
  const P0fMatch m = opt_.p0f->match(syn_ack, sig_, syn_mss);
  OsObservation o;
  o.syn_ack = syn_ack;
  o.observed = format_observed(sig_, syn_ack, syn_mss);
  o.ttl_distance = m.distance;
  o.match = "none";
  if (m.signature) {
    o.guess = m.label->text();
    o.os_class = m.label->os_class;
    o.tool = m.label->is_tool();
    o.match = m.fuzzy ? "fuzzy" : m.label->generic ? "generic" : "exact";
    o.ttl_at_most = m.signature->bad_ttl;
    o.signature = m.signature->text;
    o.signature_line = m.signature->line;
  }
  o.packets = 1;
  o.first_ts = o.last_ts = e.ts;
  o.first = e.prov;
  h->sw.os.push_back(std::move(o));
  h->os_keys.push_back(OsEntry{sig_, syn_ack});
}

void SoftwareObserver::client_hello(const PacketSampleEvent& e) {
  if (!opt_.internal.contains(e.src)) return;
  if (!parse_client_hello(e.payload, hello_, scratch_)) return;
  Host* h = host(e.src);
  if (!h) return;
  const std::string j3 = ja3(hello_), j4 = ja4(hello_);
  const std::string dest = destination(hello_, e);
  auto& list = h->sw.tls_clients;
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const TlsClientObservation& t) { return t.ja4 == j4 && t.ja3 == j3; });
  if (it == list.end()) {
    if (list.size() >= opt_.caps.tls_clients) {
      ++h->sw.dropped.tls_clients;
      return;
    }
    TlsClientObservation t;
    t.ja3 = j3;
    t.ja4 = j4;
    if (opt_.tls_clients) {
      const KnownTlsClient* k = opt_.tls_clients->find(j4);
      if (!k) k = opt_.tls_clients->find(j3);
      if (k) {
        t.client = k->client;
        t.client_category = k->category;
        t.client_source = k->source;
      }
    }
    t.first = e.prov;
    t.first_ts = e.ts;
    list.push_back(std::move(t));
    it = list.end() - 1;
    // Which hosts use this fingerprint, for "rare".
    const std::string key = j4 + "|" + j3;
    auto use = fingerprint_use_.find(key);
    if (use == fingerprint_use_.end()) {
      if (fingerprint_use_.size() < opt_.caps.fingerprints) {
        fingerprint_use_.emplace(key, FingerprintUse{e.src, false});
      }
    } else if (use->second.first_host != e.src) {
      use->second.several_hosts = true;
    }
  }
  ++it->connections;
  seen(e.ts, it->first_ts, it->last_ts);
  if (std::find(it->destinations.begin(), it->destinations.end(), dest) == it->destinations.end()) {
    if (it->destinations.size() < opt_.caps.destinations) {
      it->destinations.push_back(dest);
    } else {
      ++it->destinations_dropped;
    }
  }
}

void SoftwareObserver::icmp_echo(const PacketSampleEvent& e) {
  if (!opt_.internal.contains(e.src) || e.transport.size() < 2) return;
  const IcmpEchoClass c = classify_icmp_echo(e.payload, e.payload_len, e.transport[1]);
  Host* h = host(e.src);
  if (!h) return;
  const std::string_view origin = to_string(c.origin);
  auto& list = h->sw.icmp_echo;
  auto it = std::find_if(list.begin(), list.end(), [&](const IcmpEchoObservation& i) {
    return i.origin == origin && i.payload_bytes == e.payload_len && i.detail == c.detail;
  });
  if (it == list.end()) {
    if (list.size() >= opt_.caps.icmp_echo) {
      ++h->sw.dropped.icmp_echo;
      return;
    }
    IcmpEchoObservation i;
    i.origin = origin;
    i.description = describe(c.origin);
    i.detail = c.detail;
    i.payload_bytes = e.payload_len;
    i.first = e.prov;
    i.first_ts = e.ts;
    list.push_back(std::move(i));
    it = list.end() - 1;
  }
  ++it->packets;
  seen(e.ts, it->first_ts, it->last_ts);
  const std::string target = e.dst.to_string();
  if (std::find(it->targets.begin(), it->targets.end(), target) == it->targets.end()) {
    if (it->targets.size() < opt_.caps.icmp_targets) {
      it->targets.push_back(target);
    } else {
      ++it->targets_dropped;
    }
  }
}

void SoftwareObserver::on_http(const HttpEvent& e) {
  if (e.user_agent.empty() || e.user_agent == "-" || !opt_.internal.contains(e.client)) return;
  Host* h = host(e.client);
  if (!h) return;
  auto& list = h->sw.user_agents;
  auto it = std::find_if(list.begin(), list.end(), [&](const UserAgentObservation& u) {
    return u.user_agent == e.user_agent;
  });
  if (it == list.end()) {
    if (list.size() >= opt_.caps.user_agents) {
      ++h->sw.dropped.user_agents;
      return;
    }
    const std::string_view ua = e.user_agent.substr(0, 1024);
    const UserAgentInfo info = normalise_user_agent(ua, opt_.user_agents);
    UserAgentObservation u;
    u.user_agent = ua;
    u.product = info.product;
    u.version = info.version;
    u.os = info.os;
    u.category = info.category;
    if (info.known) {
      u.known = info.known->name;
      u.known_source = info.known->source;
    }
    u.first = e.prov;
    list.push_back(std::move(u));
    it = list.end() - 1;
  }
  ++it->requests;
}

std::vector<HostSoftware> SoftwareObserver::hosts() const {
  std::vector<HostSoftware> out;
  out.reserve(hosts_.size());
  for (const auto& [addr, h] : hosts_) {
    HostSoftware sw = h->sw;
    for (auto& t : sw.tls_clients) {
      auto use = fingerprint_use_.find(t.ja4 + "|" + t.ja3);
      const bool one_host = use != fingerprint_use_.end() && !use->second.several_hosts;
      t.rare = one_host && t.destinations.size() == 1 && t.destinations_dropped == 0;
    }
    const auto by_count = [](const auto& key) {
      return [key](const auto& a, const auto& b) { return key(a) > key(b); };
    };
    std::stable_sort(sw.os.begin(), sw.os.end(),
                     by_count([](const OsObservation& o) { return o.packets; }));
    std::stable_sort(sw.tls_clients.begin(), sw.tls_clients.end(),
                     by_count([](const TlsClientObservation& t) { return t.connections; }));
    std::stable_sort(sw.user_agents.begin(), sw.user_agents.end(),
                     by_count([](const UserAgentObservation& u) { return u.requests; }));
    std::stable_sort(sw.icmp_echo.begin(), sw.icmp_echo.end(),
                     by_count([](const IcmpEchoObservation& i) { return i.packets; }));
    out.push_back(std::move(sw));
  }
  std::sort(out.begin(), out.end(),
            [](const HostSoftware& a, const HostSoftware& b) { return a.host < b.host; });
  return out;
}

}  // namespace callhome
