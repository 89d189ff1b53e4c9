// One connection (or connection attempt) with Zeek conn.log semantics. Captures produce these
// through the connection tracker; Zeek conn.logs, firewall logs and flow exports produce them
// directly, filling only what their format knows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/provenance.h"

namespace callhome {

enum class ConnState : uint8_t {
  none,  // not known (a firewall line says nothing of the handshake)
  S0,
  S1,
  SF,
  REJ,
  S2,
  S3,
  RSTO,
  RSTR,
  RSTOS0,
  RSTRH,
  SH,
  SHR,
  OTH,
};
const char* to_string(ConnState s);
ConnState conn_state_from_string(std::string_view s);  // none when unrecognised

// What the network did with the connection, as far as the evidence says.
enum class Action : uint8_t { unknown, allowed, blocked };
const char* to_string(Action a);

// IP protocol numbers we name; anything else is logged as Zeek's "unknown_transport".
inline constexpr uint8_t kProtoIcmp = 1, kProtoTcp = 6, kProtoUdp = 17, kProtoIcmp6 = 58;
const char* transport_name(uint8_t ip_proto);  // "tcp", "udp", "icmp", "unknown_transport"

struct Connection {
  double ts = 0;        // UNIX seconds of the first packet/attempt
  double duration = 0;  // seconds; meaningful only with has_duration
  Address orig_h, resp_h;
  uint16_t orig_p = 0, resp_p = 0;  // ICMP: type and code/counterpart type, as Zeek does
  uint8_t ip_proto = 0;
  // Capture-derived only (conn.log has no such fields; Zeek logs leave them unset): the OR of
  // the TCP flags each side sent, so that probes without a SYN can be told apart where the
  // history letters cannot (FIN, FIN+PSH+URG and FIN+ACK all read "F").
  bool has_tcp_flags = false;
  uint8_t orig_tcp_flags = 0, resp_tcp_flags = 0;
  // An ICMP error (destination unreachable ...) that quoted a packet of the originator: how a
  // UDP or IP-protocol probe is refused. Zeek logs the ICMP message as a connection of its own;
  // this links it back to the probe it answers.
  bool has_icmp_error = false;
  uint8_t icmp_error_type = 0, icmp_error_code = 0;
  ConnState state = ConnState::none;
  Action action = Action::unknown;
  bool has_duration = false;
  bool has_counts = false;  // packet and byte fields below are known
  bool has_bytes = false;   // orig_bytes/resp_bytes known (Zeek prints "-" for non-TCP/UDP)
  uint64_t orig_bytes = 0, resp_bytes = 0, missed_bytes = 0;
  uint64_t orig_pkts = 0, orig_ip_bytes = 0, resp_pkts = 0, resp_ip_bytes = 0;
  std::string uid;
  std::string history;
  std::string service;
  // uids of the enclosing tunnel connections: Zeek's set[string], one element per uid
  std::vector<std::string> tunnel_parents;
  Provenance first;  // the packet or line that opened it
  Provenance last;   // the last packet or line that belongs to it
};

// True for conn_states that mean the responder never accepted and no data flowed (Zeek's
// notion of a failed attempt: no answer, refused, or reset before the handshake completed).
bool is_failed_attempt(const Connection& c);

}  // namespace callhome
