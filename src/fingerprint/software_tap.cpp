#include "fingerprint/software_tap.h"

#include <algorithm>

#include "core/connection.h"  // kProtoTcp, kProtoIcmp, kProtoIcmp6
#include "fingerprint/client_hello.h"

namespace callhome {
namespace {

constexpr uint8_t kEchoRequest = 8, kEcho6Request = 128;

std::span<const uint8_t> bytes(const uint8_t* p, size_t n) {
  return p ? std::span<const uint8_t>(p, n) : std::span<const uint8_t>();
}

}  // namespace

PacketSampleEvent SoftwareTap::sample(const DecodedPacket& p, PacketSampleEvent::Kind kind,
                                      double ts, Provenance prov) {
  PacketSampleEvent e;
  e.kind = kind;
  e.ts = ts;
  e.src = p.src;
  e.dst = p.dst;
  e.prov = prov;
  e.ip_header = bytes(p.ip_header, p.ip_header_len);
  if (p.transport_header && p.payload >= p.transport_header) {
    e.transport = bytes(p.transport_header, size_t(p.payload - p.transport_header));
  }
  e.payload = bytes(p.payload, p.payload_caplen);
  e.payload_len = p.payload_len;
  if (p.ip_proto == kProtoTcp) {
    e.src_port = p.src_port;
    e.dst_port = p.dst_port;
  }
  return e;
}

void SoftwareTap::packet(const DecodedPacket& p, double ts, Provenance prov, EventSink& sink) {
  if (!p.transport_ok) return;
  switch (p.ip_proto) {
    case kProtoTcp:
      tcp(p, ts, prov, sink);
      break;
    case kProtoIcmp:
    case kProtoIcmp6:
      if (p.icmp_type == (p.ip_proto == kProtoIcmp ? kEchoRequest : kEcho6Request)) {
        sink.on_packet_sample(sample(p, PacketSampleEvent::Kind::icmp_echo_request, ts, prov));
      }
      break;
    default:
      break;
  }
}

void SoftwareTap::tcp(const DecodedPacket& p, double ts, Provenance prov, EventSink& sink) {
  using namespace tcp_flag;
  const uint8_t f = p.tcp_flags & (kSyn | kAck | kFin | kRst);
  if (f == kSyn) {
    sink.on_packet_sample(sample(p, PacketSampleEvent::Kind::tcp_syn, ts, prov));
  } else if (f == (kSyn | kAck)) {
    sink.on_packet_sample(sample(p, PacketSampleEvent::Kind::tcp_syn_ack, ts, prov));
  }
  if (p.payload_caplen == 0 || p.payload == nullptr) return;
  if (!pending_.empty() && continue_hello(p, ts, prov, sink)) return;
  // A handshake record holding a ClientHello: 0x16, 0x03 xx, length, then handshake type 1.
  if (p.payload[0] == 0x16 && p.payload_caplen >= 6 && p.payload[5] == 1) {
    client_hello(p, ts, prov, sink);
  }
}

void SoftwareTap::client_hello(const DecodedPacket& p, double ts, Provenance prov,
                               EventSink& sink) {
  const std::span<const uint8_t> data = bytes(p.payload, p.payload_caplen);
  const size_t needed = client_hello_bytes_needed(data);
  if (needed == 0) return;
  if (data.size() >= needed) {
    PacketSampleEvent e = sample(p, PacketSampleEvent::Kind::tls_client_hello, ts, prov);
    e.payload = data.first(needed);
    sink.on_packet_sample(e);
    return;
  }
  if (p.payload_caplen < p.payload_len) {  // the capture cut the segment: nothing to join
    ++incomplete_;
    return;
  }
  // The rest comes in the next segments: keep this one until they do (bounded).
  if (pending_.size() >= kMaxPending) {
    auto oldest = std::min_element(pending_.begin(), pending_.end(), [](auto& a, auto& b) {
      return a.second.started < b.second.started;
    });
    pending_.erase(oldest);
    ++incomplete_;
  }
  Pending& w = pending_[Key{p.src, p.dst, p.src_port, p.dst_port}];
  w.bytes.assign(data.begin(), data.end());
  w.needed = needed;
  w.next_seq = p.seq + p.payload_len;
  w.started = ts;
}

bool SoftwareTap::continue_hello(const DecodedPacket& p, double ts, Provenance prov,
                                 EventSink& sink) {
  auto it = pending_.find(Key{p.src, p.dst, p.src_port, p.dst_port});
  if (it == pending_.end()) {
    // Now and then, give up on hellos whose rest never came.
    if (ts - pending_.begin()->second.started > kPendingTimeout) {
      incomplete_ += absl::erase_if(
          pending_, [ts](const auto& kv) { return ts - kv.second.started > kPendingTimeout; });
    }
    return false;
  }
  Pending& w = it->second;
  const int32_t ahead = int32_t(p.seq - w.next_seq);
  if (ahead < 0) return true;                           // a retransmission of what is already held
  if (ahead > 0 || p.payload_caplen < p.payload_len) {  // a gap, or cut short: cannot join
    pending_.erase(it);
    ++incomplete_;
    return true;
  }
  // The whole segment: while record headers are missing `needed` is only a lower bound, and
  // what lies past the hello is cut off when it is handed on. Held bytes stay under 128 KiB.
  const size_t take = std::min<size_t>(p.payload_caplen, kMaxHeld - w.bytes.size());
  w.bytes.insert(w.bytes.end(), p.payload, p.payload + take);
  w.next_seq += p.payload_len;
  if (w.bytes.size() < w.needed) return true;
  // The size was a lower bound while record headers were missing: read it again.
  const size_t needed = client_hello_bytes_needed(w.bytes);
  if (needed == 0) {
    pending_.erase(it);
    ++incomplete_;
    return true;
  }
  if (needed > w.bytes.size()) {
    w.needed = needed;
    return true;
  }
  w.needed = needed;
  PacketSampleEvent e = sample(p, PacketSampleEvent::Kind::tls_client_hello, ts, prov);
  e.payload = std::span<const uint8_t>(w.bytes.data(), w.needed);
  e.payload_len = uint32_t(w.needed);
  sink.on_packet_sample(e);
  pending_.erase(it);
  return true;
}

}  // namespace callhome
