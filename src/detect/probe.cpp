#include "detect/probe.h"

#include <string_view>

#include "detect/attempt.h"

namespace callhome {
namespace {

// TCP flag bits as they appear on the wire (the tracker ORs them per side).
constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10, kUrg = 0x20;

ProbeKind from_flags(const Connection& c) {
  const uint8_t o = c.orig_tcp_flags;
  if (o & kSyn) return ProbeKind::syn;
  if (o & kRst) return ProbeKind::none;  // an abort (or backscatter), not an opening
  if (o & kFin) {
    if ((o & (kPsh | kUrg)) == (kPsh | kUrg)) return ProbeKind::xmas;
    return (o & kAck) ? ProbeKind::maimon : ProbeKind::fin;
  }
  if (o & kAck) return ProbeKind::ack;
  return c.orig_pkts > 0 ? ProbeKind::null : ProbeKind::none;
}

// Zeek's history: uppercase letters are the originator's. A FIN probe reads "F" whatever else
// was set with the FIN (Zeek records one letter per segment), a NULL probe leaves no letter.
ProbeKind from_history(const Connection& c) {
  const std::string_view h = c.history;
  if (h.empty() && c.state == ConnState::none) return ProbeKind::tcp;  // nothing known
  if (h.find('^') != std::string_view::npos) return ProbeKind::none;   // roles guessed
  const auto has = [&](char ch) { return h.find(ch) != std::string_view::npos; };
  if (has('S')) return ProbeKind::syn;
  if (has('R') || has('D') || has('I') || has('Q')) return ProbeKind::none;
  if (has('F')) return ProbeKind::fin;
  if (has('A')) return ProbeKind::ack;
  return c.has_counts && c.orig_pkts > 0 ? ProbeKind::null : ProbeKind::none;
}

bool responder_sent_rst(const Connection& c) {
  return c.has_tcp_flags ? (c.resp_tcp_flags & kRst) != 0
                         : c.history.find('r') != std::string::npos;
}

}  // namespace

const char* to_string(ProbeKind k) {
  switch (k) {
    case ProbeKind::syn:
      return "syn";
    case ProbeKind::null:
      return "null";
    case ProbeKind::fin:
      return "fin";
    case ProbeKind::xmas:
      return "xmas";
    case ProbeKind::maimon:
      return "maimon";
    case ProbeKind::ack:
      return "ack";
    case ProbeKind::tcp:
      return "tcp";
    case ProbeKind::udp:
      return "udp";
    case ProbeKind::ip_protocol:
      return "ip_protocol";
    default:
      return "none";
  }
}

ProbeKind probe_kind_from_string(std::string_view s) {
  for (ProbeKind k :
       {ProbeKind::syn, ProbeKind::null, ProbeKind::fin, ProbeKind::xmas, ProbeKind::maimon,
        ProbeKind::ack, ProbeKind::tcp, ProbeKind::udp, ProbeKind::ip_protocol}) {
    if (s == to_string(k)) return k;
  }
  return ProbeKind::none;
}

const char* scan_name(ProbeKind k) {
  switch (k) {
    case ProbeKind::syn:
      return "SYN";
    case ProbeKind::null:
      return "NULL";
    case ProbeKind::fin:
      return "FIN";
    case ProbeKind::xmas:
      return "XMAS";
    case ProbeKind::maimon:
      return "Maimon";
    case ProbeKind::ack:
      return "ACK";
    case ProbeKind::udp:
      return "UDP";
    case ProbeKind::ip_protocol:
      return "IP protocol";
    default:
      return "TCP";
  }
}

ProbeKind probe_kind(const Connection& c) {
  switch (c.ip_proto) {
    case kProtoTcp:
      return c.has_tcp_flags ? from_flags(c) : from_history(c);
    case kProtoUdp:
      return ProbeKind::udp;
    case kProtoIcmp:
    case kProtoIcmp6:
      return ProbeKind::none;
    default:
      return ProbeKind::ip_protocol;
  }
}

bool is_stealth_probe(const Connection& c) {
  if (c.ip_proto != kProtoTcp) return false;
  switch (probe_kind(c)) {
    case ProbeKind::null:
    case ProbeKind::fin:
    case ProbeKind::xmas:
    case ProbeKind::maimon:
    case ProbeKind::ack:
      break;
    default:
      return false;
  }
  if (c.history.find_first_of("Dd") != std::string::npos) return false;
  // A RST (with or without ACK) or silence: anything else answers a live conversation the
  // capture joined late (a FIN+ACK answered with a FIN is an ordinary close).
  if (c.has_tcp_flags) {
    const uint8_t r = c.resp_tcp_flags;
    return r == 0 || ((r & kRst) && (r & ~(kRst | kAck)) == 0);
  }
  for (char ch : c.history) {
    if (ch >= 'a' && ch <= 'z' && ch != 'r') return false;
  }
  return true;
}

bool is_probe(const Connection& c) {
  switch (probe_kind(c)) {
    case ProbeKind::none:
      return false;
    case ProbeKind::null:
    case ProbeKind::fin:
    case ProbeKind::xmas:
    case ProbeKind::maimon:
    case ProbeKind::ack:
      return c.action == Action::blocked || is_stealth_probe(c);
    default:
      return unsuccessful(outcome_of(c));
  }
}

const char* to_string(ProbeAnswer a) {
  switch (a) {
    case ProbeAnswer::open:
      return "open";
    case ProbeAnswer::closed:
      return "closed";
    case ProbeAnswer::filtered:
      return "filtered";
    case ProbeAnswer::silent:
      return "no answer";
    default:
      return "answer unknown";
  }
}

ProbeAnswer probe_answer(const Connection& c) {
  if (c.action == Action::blocked) return ProbeAnswer::filtered;
  if (c.state == ConnState::none && c.history.empty() && !c.has_tcp_flags) {
    return ProbeAnswer::unknown;
  }
  const bool replied =
      c.has_counts ? c.resp_pkts > 0
                   : c.history.find_first_of("abcdefghijklmnopqrstuvwxyz") != std::string::npos;
  if (c.ip_proto == kProtoTcp) {
    if (responder_sent_rst(c) && !(c.has_tcp_flags ? (c.resp_tcp_flags & kSyn) != 0
                                                   : c.history.find('h') != std::string::npos)) {
      return ProbeAnswer::closed;  // for an ACK probe nmap says "unfiltered": it got through
    }
    if (replied) return ProbeAnswer::open;
    return c.has_icmp_error ? ProbeAnswer::filtered : ProbeAnswer::silent;
  }
  if (replied) return ProbeAnswer::open;
  if (!c.has_icmp_error) return ProbeAnswer::silent;
  // Port unreachable closes a UDP port, protocol unreachable an IP protocol (IPv6: destination
  // unreachable code 4, parameter problem "unrecognised next header"); other unreachables come
  // from filters or routers on the way.
  const bool v6 = c.orig_h.is_v4() == false;
  const bool port_unreach = v6 ? c.icmp_error_type == 1 && c.icmp_error_code == 4
                               : c.icmp_error_type == 3 && c.icmp_error_code == 3;
  const bool proto_unreach = v6 ? c.icmp_error_type == 4 && c.icmp_error_code == 1
                                : c.icmp_error_type == 3 && c.icmp_error_code == 2;
  if (c.ip_proto == kProtoUdp ? port_unreach : proto_unreach) return ProbeAnswer::closed;
  return ProbeAnswer::filtered;
}

}  // namespace callhome
