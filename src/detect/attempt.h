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

// Ports clients legitimately try against many servers (web, DNS, mail, time, proxies): bursts
// to them are weaker evidence of probing than bursts to unusual ports.
bool is_common_client_port(uint16_t port);

// The /16 of an IPv4 address or /48 of an IPv6 one ("72.246", "2001:0db8:0001"): a rough "same
// network" grouping, so that retries against one provider's pool are not read as a sweep.
std::string network_label(const Address& a);

}  // namespace callhome
