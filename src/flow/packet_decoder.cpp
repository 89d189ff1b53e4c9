// Ties the layers together the way Zeek's packet analysis chains its analyzers: link layer,
// IP (fragments reassembled first), then either a transport, which makes a layer the tracker
// logs, or a tunnel, whose inner packet is decoded like a packet of its own. IP-in-IP and GRE
// make no connection themselves (Zeek logs them in tunnel.log), so only their inner packets
// become layers; Teredo, AYIYA, VXLAN, Geneve and GRE over UDP ride on a UDP connection, which
// stays a layer, and their inner packets follow it.
#include "flow/packet_decoder.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "core/connection.h"  // kProtoTcp, kProtoUdp
#include "flow/byte_order.h"
#include "flow/ip_layer.h"
#include "flow/ip_reassembly.h"
#include "flow/link_layer.h"
#include "flow/transport_layer.h"
#include "flow/tunnel_layer.h"

namespace callhome {
namespace {

// Zeek's Tunnel::max_depth: encapsulations deeper than this are not opened.
constexpr int kMaxTunnelDepth = 4;

// What a subtree of the decoding produced.
enum class Step : uint8_t {
  ok,    // at least one layer
  held,  // a fragment, kept for reassembly
  none,  // nothing to log, and nothing wrong (ESP, a Teredo bubble, GRE carrying ARP ...)
  bad,   // damaged: `why` was filled if no layer came before
};

// How the packet at hand was carried, for the rules that depend on it.
enum class Carrier : uint8_t { link, ip_tunnel, teredo, udp_tunnel };

}  // namespace

struct PacketDecoder::Impl {
  explicit Impl(Options o) : opt(o) {}

  Options opt;
  IpReassembler reassembler;
  // Reassembled datagrams, one buffer per tunnel depth: a datagram rebuilt inside a tunnel must
  // not overwrite the one that carries it. Reused, so steady state allocates nothing.
  std::array<std::vector<uint8_t>, kMaxTunnelDepth + 1> reassembled;

  // Per call.
  double ts = 0;
  std::string* why = nullptr;
  DecodedLayers* out = nullptr;

  // Only the first problem of a packet that yields no layer is reported: once an outer layer
  // exists, a tunnel that does not decode leaves it as it is (Zeek logs the outer connection).
  Step fail(const char* reason) {
    if (why && out->count == 0) *why = reason;
    return Step::bad;
  }

  // The IP packet at `d`: `cap` bytes captured of `wire` on the wire.
  Step ip(const uint8_t* d, size_t cap, size_t wire, uint8_t depth, Carrier carrier,
          bool is_reassembled) {
    IpHeader h;
    if (const char* e = parse_ip(d, cap, wire, opt.verify_checksums, is_reassembled, h)) {
      return fail(e);
    }
    // What the datagram occupies of the capture: Ethernet padding after it is not part of it.
    const size_t avail = std::min<size_t>(cap, h.length);
    if (h.fragment) {
      if (is_reassembled) return fail("IPv6 fragment header inside a reassembled datagram");
      if (avail < h.length) {
        // Zeek cannot reassemble what was not captured; it still analyses a first fragment
        // as it is (useful in header-only traces) and drops the others.
        if (h.frag_offset != 0) return fail("IP fragment incompletely captured");
      } else {
        return fragment(h, d, depth, carrier);
      }
    }
    switch (h.proto) {
      case ip_proto::kEsp:       // encrypted: Zeek raises esp_packet and logs no connection
      case ip_proto::kMobility:  // Mobile IPv6 signalling: no connection either
      case ip_proto::kIgmp:      // Zeek's IGMP packet analyzer (2026) takes it: no connection
        return Step::none;
      case ip_proto::kNone:
        // A Teredo bubble only keeps a NAT mapping open; anywhere else Zeek calls it weird.
        return carrier == Carrier::teredo ? Step::none : fail("IP packet without a next header");
      case ip_proto::kIpip:
      case ip_proto::kIpv6: {
        if (depth >= kMaxTunnelDepth) return fail("tunnels nested too deep");
        const size_t n = avail - h.header_len;
        return ip(d + h.header_len, n, n, uint8_t(depth + 1), Carrier::ip_tunnel, false);
      }
      case ip_proto::kGre: {
        if (depth >= kMaxTunnelDepth) return fail("tunnels nested too deep");
        const size_t n = avail - h.header_len;
        const uint8_t* g = d + h.header_len;
        return inner(parse_gre(g, n), g, n, n, uint8_t(depth + 1), Carrier::ip_tunnel);
      }
      default:
        return emit(h, d, avail, depth);
    }
  }

  // Hands a fragment to the reassembler, and decodes the datagram once it is whole.
  Step fragment(const IpHeader& h, const uint8_t* d, uint8_t depth, Carrier carrier) {
    std::vector<uint8_t>& buf = reassembled[depth];
    if (h.frag_offset == 0 && !h.more_fragments) {
      // An IPv6 atomic fragment (RFC 6946) is a datagram of its own; like any reassembled one
      // it loses its fragment header.
      const uint32_t payload = h.length - h.header_len;
      buf.resize(h.unfrag_len + payload);
      std::memcpy(buf.data(), d, h.unfrag_len);
      std::memcpy(buf.data() + h.unfrag_len, d + h.header_len, payload);
      const uint32_t plen = uint32_t(buf.size() - 40);
      buf[4] = uint8_t(plen >> 8);
      buf[5] = uint8_t(plen);
      buf[h.frag_next_pos] = h.proto;
    } else {
      Fragment f;
      f.version = h.version;
      f.src = h.src;
      f.dst = h.dst;
      f.id = h.frag_id;
      f.proto = h.version == 4 ? h.proto : 0;
      f.header = d;
      f.header_len = h.unfrag_len;
      f.next_pos = h.frag_next_pos;
      f.next_header = h.proto;
      f.offset = h.frag_offset;
      f.more = h.more_fragments;
      f.payload = d + h.header_len;
      f.payload_len = h.length - h.header_len;
      f.ts = ts;
      switch (reassembler.add(f, buf)) {
        case IpReassembler::Add::held:
          return Step::held;
        case IpReassembler::Add::refused:
          return fail("IP fragment reaches beyond 64 KiB");
        case IpReassembler::Add::complete:
          break;
      }
    }
    return ip(buf.data(), buf.size(), buf.size(), depth, carrier, true);
  }

  // A transport packet: one layer for the tracker.
  Step emit(const IpHeader& h, const uint8_t* d, size_t avail, uint8_t depth) {
    if (out->count >= DecodedLayers::kMaxLayers) return Step::none;
    DecodedPacket& p = out->layer[out->count];
    p = DecodedPacket{};
    p.src = h.src;
    p.dst = h.dst;
    p.ip_version = h.version;
    p.ip_proto = h.proto;
    p.ip_len = h.total_len;
    p.ttl = h.ttl;
    p.tunnel_depth = depth;
    p.ip_header = d;
    p.ip_header_len = uint16_t(h.header_len);
    const TransportBytes t{d + h.header_len, h.length - h.header_len,
                           uint32_t(avail - h.header_len)};
    if (const char* e = decode_transport(p, t, opt.verify_checksums)) return fail(e);
    ++out->count;
    // A datagram that fails its checksum goes no further in Zeek, tunnel or not.
    if (p.ip_proto == ip_proto::kUdp && !p.checksum_bad) udp_tunnel(p, t, depth);
    return Step::ok;
  }

  void udp_tunnel(const DecodedPacket& p, const TransportBytes& t, uint8_t depth) {
    if (depth >= kMaxTunnelDepth || out->count >= DecodedLayers::kMaxLayers) return;
    // Zeek gives the tunnel analyzers the UDP payload by the IP length, cut to what was
    // captured (not by the UDP length field).
    const uint8_t* payload = t.data + 8;
    const size_t cap = t.cap - 8, len = t.len - 8;
    const UdpTunnel kind = udp_tunnel_kind(p.src_port, p.dst_port, payload, cap);
    if (kind == UdpTunnel::none) return;
    const Carrier carrier = kind == UdpTunnel::teredo ? Carrier::teredo : Carrier::udp_tunnel;
    inner(parse_udp_tunnel(kind, payload, cap), payload, cap, len, uint8_t(depth + 1), carrier);
  }

  // Decodes what a tunnel header at `base` carries.
  Step inner(const TunnelPayload& tp, const uint8_t* base, size_t cap, size_t wire, uint8_t depth,
             Carrier carrier) {
    const size_t off = tp.offset;
    switch (tp.kind) {
      case TunnelInner::none:
        return tp.why ? fail(tp.why) : Step::none;
      case TunnelInner::bubble:
        return Step::none;
      case TunnelInner::ip:
        return ip(base + off, cap - off, wire - off, depth, carrier, false);
      case TunnelInner::ethernet: {
        const LinkView v = strip_ethernet(base + off, cap - off);
        if (v.result == LinkResult::truncated || v.result == LinkResult::too_deep) {
          return fail(v.why);
        }
        if (v.result != LinkResult::ip) return Step::none;
        const size_t skip = off + v.offset;
        return ip(base + skip, cap - skip, wire - skip, depth, carrier, false);
      }
    }
    return Step::none;
  }
};

PacketDecoder::PacketDecoder(Options options) : impl_(std::make_unique<Impl>(options)) {}
PacketDecoder::~PacketDecoder() = default;

PacketDecoder::Result PacketDecoder::decode(const RawPacket& raw, DecodedLayers& layers,
                                            std::string* why) {
  layers.count = 0;
  const LinkView link = strip_link(raw.linktype, raw.data, raw.caplen);
  switch (link.result) {
    case LinkResult::ip:
      break;
    case LinkResult::not_ip:
      return Result::not_ip;
    case LinkResult::truncated:
    case LinkResult::too_deep:
      if (why) *why = link.why;
      return Result::malformed;
    case LinkResult::unsupported:
      if (why) *why = "unsupported link type " + std::to_string(raw.linktype);
      return Result::malformed;
  }
  Impl& d = *impl_;
  d.ts = raw.ts;
  d.why = why;
  d.out = &layers;
  // A wire length below the captured one is a writer's mistake; the capture is what exists.
  const size_t cap = raw.caplen - link.offset;
  const size_t wire = std::max(raw.wirelen, raw.caplen) - link.offset;
  const Step step = d.ip(raw.data + link.offset, cap, wire, 0, Carrier::link, false);
  if (layers.count > 0) return Result::ok;
  switch (step) {
    case Step::held:
      return Result::fragment_held;
    case Step::bad:
      return Result::malformed;
    case Step::ok:
    case Step::none:
      break;
  }
  return Result::not_ip;
}

PacketDecoder::Incomplete PacketDecoder::incomplete() const {
  const IpReassembler& r = impl_->reassembler;
  return {r.dropped() + r.pending(), r.dropped_fragments() + r.pending_fragments()};
}

void PacketDecoder::report_incomplete(InputReport& report) const {
  const Incomplete lost = incomplete();
  if (lost.datagrams == 0) return;
  report.rejected += lost.fragments;
  report.note(0, 0,
              std::to_string(lost.datagrams) + " fragmented IP datagram" +
                  (lost.datagrams == 1 ? " was" : "s were") + " never completed; their " +
                  std::to_string(lost.fragments) + " fragment packet" +
                  (lost.fragments == 1 ? "" : "s") + " could not be used (counted as rejected)");
}

bool peek_flow_key(const uint8_t* f, uint32_t caplen, uint32_t linktype, FlowKey& key) {
  uint32_t ip = 0;
  if (linktype == kLinkEthernet) {
    if (caplen < 14) return false;
    uint16_t type = rd16(f + 12);
    ip = 14;
    if (type == 0x8100 && caplen >= 18) {
      type = rd16(f + 16);
      ip = 18;
    }
    if (type != 0x0800) return false;
  } else if (linktype != kLinkRaw && linktype != kLinkIpv4) {
    return false;
  }
  if (caplen < ip + 20) return false;
  const uint8_t* h = f + ip;
  const uint32_t ihl = uint32_t(h[0] & 0x0f) * 4;
  const uint8_t proto = h[9];
  if ((h[0] >> 4) != 4 || ihl < 20 || (proto != kProtoTcp && proto != kProtoUdp)) return false;
  if ((h[6] & 0x3f) != 0 || h[7] != 0) return false;  // a fragment (MF or an offset)
  if (caplen < ip + ihl + 4) return false;
  const uint8_t* t = h + ihl;
  key.src = Address::v4_bytes(h + 12);
  key.dst = Address::v4_bytes(h + 16);
  key.src_port = rd16(t);
  key.dst_port = rd16(t + 2);
  key.proto = proto;
  return true;
}

}  // namespace callhome
