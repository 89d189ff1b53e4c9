// Helpers several detectors share: how an attempt ended, and coarse grouping of addresses.
#pragma once

#include <string>

#include "core/connection.h"

namespace callhome {

enum class Outcome : uint8_t { failed, blocked, answered, unknown };

// How a connection attempt ended, from whatever the evidence says: a firewall verdict, a
// Zeek-style conn_state, or for UDP whether anything came back.
Outcome outcome_of(const Connection& c);
const char* describe(Outcome o);
inline bool unsuccessful(Outcome o) {
  return o == Outcome::failed || o == Outcome::blocked;
}

// True for a record that says nothing of how the attempt ended: a firewall export with no
// verdict column (Case 2's own table) gives addresses, ports and times only. The patterns that
// do not depend on the outcome (serial source ports, many hosts to one organisation) still
// hold on such records, as long as the findings say the outcome is unknown. Anything that
// carries a handshake, counts, sizes or a service is not such a record: it tells the outcome.
bool outcome_unrecorded(const Connection& c);
// An attempt the outcome-independent detectors count: failed, blocked, or of unrecorded outcome.
inline bool unsuccessful_or_unrecorded(const Connection& c) {
  return unsuccessful(outcome_of(c)) || outcome_unrecorded(c);
}

// Ports clients legitimately try against many servers (web, DNS, mail, time, proxies): bursts
// to them are weaker evidence of probing than bursts to unusual ports.
bool is_common_client_port(uint16_t port);

// The /16 of an IPv4 address or /48 of an IPv6 one ("72.246", "2001:0db8:0001"): a rough "same
// network" grouping, so that retries against one provider's pool are not read as a sweep.
std::string network_label(const Address& a);

}  // namespace callhome
