// What p0f 3 reads from a TCP SYN or SYN+ACK to tell the sending system: the IP and TCP header
// fields, the option layout and the quirks, in the terms of p0f.fp signatures (p0f's README,
// section 5). One struct serves both an observed packet and a signature read from p0f.fp, as
// in p0f, so that matching compares like with like.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace callhome {

namespace tcp_quirk {
inline constexpr uint32_t kDf = 1u << 0,  // IPv4 "don't fragment"
    kNzId = 1u << 1,                      // DF set and a non-zero IP ID
    kZeroId = 1u << 2,                    // DF clear and a zero IP ID
    kEcn = 1u << 3,                       // ECN in IP or TCP
    kNzMbz = 1u << 4,                     // the IPv4 "must be zero" flag is set
    kFlow = 1u << 5,                      // an IPv6 flow label
    kZeroSeq = 1u << 6,                   // sequence number zero
    kNzAck = 1u << 7,                     // an ACK number without the ACK flag
    kZeroAck = 1u << 8,                   // the ACK flag with ACK number zero
    kNzUrg = 1u << 9,                     // an urgent pointer without the URG flag
    kUrg = 1u << 10,                      // the URG flag
    kPush = 1u << 11,                     // the PUSH flag
    kOptZeroTs1 = 1u << 12,               // own timestamp zero
    kOptNzTs2 = 1u << 13,                 // peer timestamp non-zero on a SYN
    kOptEolNz = 1u << 14,                 // non-zero bytes after the end-of-options
    kOptExws = 1u << 15,                  // window scale above 14
    kOptBad = 1u << 16;                   // options that do not parse
}

// TCP option kinds, as p0f names them in signatures (anything else is "?N").
namespace tcp_opt {
inline constexpr uint8_t kEol = 0, kNop = 1, kMss = 2, kWs = 3, kSok = 4, kSack = 5, kTs = 8;
}

enum class WindowType : uint8_t {
  normal,  // exactly `win`
  any,     // "*"
  mod,     // "%N": a multiple of N
  mss,     // "mss*N"
  mtu,     // "mtu*N"
};

struct TcpSignature {
  static constexpr int kMaxOptions = 24;  // p0f's MAX_TCP_OPT

  int8_t ip_version = 4;  // 4 or 6; -1 for a signature that fits both
  uint8_t ttl = 0;        // observed TTL; a signature's initial TTL
  uint8_t ip_opt_len = 0;
  int32_t mss = 0;  // 0 when the packet has no MSS option; -1 = any (signature)
  WindowType win_type = WindowType::normal;
  uint16_t win = 0;    // the window, or the multiplier/divisor of win_type
  int16_t wscale = 0;  // 0 when absent; -1 = any (signature)
  std::array<uint8_t, kMaxOptions> options{};
  uint8_t option_count = 0;
  uint8_t eol_pad = 0;  // bytes after an end-of-options option
  uint32_t quirks = 0;
  int8_t pay_class = 0;  // 0: no payload, 1: payload, -1 = any (signature)

  // Only observed packets carry these.
  uint16_t header_bytes = 0;  // IP + TCP header length (p0f's tot_hdr)
  uint32_t ts1 = 0;           // own timestamp value, 0 without the option
  uint8_t tos = 0;            // DSCP bits, reported by p0f as tos:0xNN

  bool same_layout(const TcpSignature& o) const {
    return option_count == o.option_count &&
           std::equal(options.begin(), options.begin() + option_count, o.options.begin());
  }
};

// Reads the p0f fields of a SYN or SYN+ACK from its IP header (with options; for IPv6 the
// 40-byte fixed header is what counts) and its TCP header (with options), `payload_len` bytes of
// data following. Never reads outside the spans; false when they cannot be a TCP packet (too
// short, an IPv4 fragment). Damaged options are a quirk ("bad"), as in p0f, not a failure.
bool read_tcp_signature(std::span<const uint8_t> ip, std::span<const uint8_t> tcp,
                        uint32_t payload_len, TcpSignature& out);

// The p0f guess of how many hops a packet came: the distance to the next common initial TTL.
int guess_ttl_distance(uint8_t ttl);

// p0f's reading of the window as a multiple of the MSS or MTU (-1: none); *use_mtu says which.
// `syn_mss` is the MSS the peer's SYN offered (0 if unknown), which some SYN+ACKs use.
int window_multiplier(const TcpSignature& s, bool* use_mtu, uint16_t syn_mss);

// The observed packet in p0f's raw_sig text ("4:128+0:0:1460:65535,0:mss,nop,nop,sok:df,id+:0"),
// so that an analyst can add it to p0f.fp or compare it with p0f's own output.
std::string format_observed(const TcpSignature& s, bool syn_ack, uint16_t syn_mss);

}  // namespace callhome
