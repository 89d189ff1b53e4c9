// What kind of scan probe a connection is, from its shape: the flags its originator sent (from
// a capture) or Zeek's history letters (from a conn.log). Shared by the scan detector and by
// detectors that must not read a scan's probes as something else (check-ins, floods).
#pragma once

#include <cstdint>
#include <string_view>

#include "core/connection.h"

namespace callhome {

enum class ProbeKind : uint8_t {
  none,         // ICMP, or a TCP connection whose shape says nothing (only a RST, a flip ...)
  syn,          // the ordinary opening: a SYN (nmap -sS / -sT)
  null,         // a TCP segment without flags (-sN)
  fin,          // FIN alone; also FIN+PSH+URG and FIN+ACK when only the history is known
  xmas,         // FIN+PSH+URG (-sX)
  maimon,       // FIN+ACK (-sM)
  ack,          // ACK alone (-sA / -sW: firewall mapping)
  tcp,          // TCP whose flags and history are unknown (firewall lines, flow exports)
  udp,          // any UDP datagram (-sU)
  ip_protocol,  // an IP protocol other than TCP, UDP and ICMP (-sO)
};
const char* to_string(ProbeKind k);  // "syn", "null", ... as findings name it
const char* scan_name(ProbeKind k);  // "SYN", "NULL", "IP protocol" ... for summaries
ProbeKind probe_kind_from_string(std::string_view s);  // to_string's inverse; none if unknown

// How the originator opened the connection, whatever came of it.
ProbeKind probe_kind(const Connection& c);

// A TCP opening no client stack sends to start a conversation (NULL, FIN, XMAS, Maimon, ACK),
// answered with a RST or nothing, no data either way: a probe on its own, whatever else the
// host does.
bool is_stealth_probe(const Connection& c);

// The scan detector's view of one attempt: a probe that learnt something without talking (a
// stealth probe; a SYN, UDP datagram or IP-protocol packet that went unanswered, was refused
// or blocked). A SYN or UDP probe alone is also what a client retrying a dead server sends,
// so only is_stealth_probe() may be skipped unconditionally; skip other probes only when the
// host is scanning (e.g. many distinct ports or hosts in the same minutes).
bool is_probe(const Connection& c);

// What the target said to a probe, as nmap reads it.
enum class ProbeAnswer : uint8_t {
  unknown,   // the evidence does not say (firewall line, flow export)
  open,      // accepted: a SYN-ACK, a UDP reply, any reply of the probed protocol
  closed,    // refused: a RST; ICMP port (UDP) or protocol (IP) unreachable
  filtered,  // another ICMP unreachable (administratively prohibited, host unreachable ...)
  silent,    // no answer at all
};
const char* to_string(ProbeAnswer a);
ProbeAnswer probe_answer(const Connection& c);

}  // namespace callhome
