// What one internal host showed of its software: its OS from TCP handshakes (p0f), its TLS
// clients (JA3/JA4), the User-Agents it sent, and which programs made its ICMP echo requests.
// A plain value, filled by SoftwareObserver, written into the findings document's "software".
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/provenance.h"

namespace callhome {

struct OsObservation {
  bool syn_ack = false;      // seen in the host's SYN+ACKs (as a server), else in its SYNs
  std::string guess;         // "Windows XP", empty when no p0f.fp signature fits
  std::string os_class;      // "win", "unix", "other"; "!" for a tool's packets
  bool tool = false;         // the signature names a tool (nmap), not the OS under it
  std::string match;         // "exact", "generic", "fuzzy" or "none"
  int ttl_distance = 0;      // hops from the signature's initial TTL
  bool ttl_at_most = false;  // the tool randomises its TTL: the distance is an upper bound
  std::string signature;     // the p0f.fp signature that matched, as written
  size_t signature_line = 0;
  std::string observed;  // the packets' own signature in p0f's raw_sig form
  uint64_t packets = 0;
  double first_ts = 0, last_ts = 0;
  Provenance first;
};

struct TlsClientObservation {
  std::string ja3, ja4;
  std::string client;  // from data/tls_clients.tsv, empty when unknown
  std::string client_category, client_source;
  std::vector<std::string> destinations;  // server names (SNI), else addresses
  uint64_t destinations_dropped = 0;      // more than the cap
  uint64_t connections = 0;
  // Only this host used the fingerprint, and only towards one destination: a program of its own.
  bool rare = false;
  double first_ts = 0, last_ts = 0;
  Provenance first;
};

struct UserAgentObservation {
  std::string user_agent;  // as sent
  std::string product, version, os;
  std::string category;  // browser, update_agent, antivirus_updater, ... or empty
  std::string known;     // the data/user_agents.tsv entry's name, if any
  std::string known_source;
  uint64_t requests = 0;
  Provenance first;
};

struct IcmpEchoObservation {
  std::string origin;       // windows_ping, linux_ping, ..., crafted
  std::string description;  // "Windows ping"
  std::string detail;       // what in the data said so
  uint32_t payload_bytes = 0;
  uint64_t packets = 0;
  std::vector<std::string> targets;  // the addresses pinged (capped)
  uint64_t targets_dropped = 0;
  double first_ts = 0, last_ts = 0;
  Provenance first;
};

struct HostSoftware {
  Address host;
  std::vector<OsObservation> os;
  std::vector<TlsClientObservation> tls_clients;
  std::vector<UserAgentObservation> user_agents;
  std::vector<IcmpEchoObservation> icmp_echo;
  // Observations left out because a per-host cap was reached (the counts of what was dropped).
  struct Dropped {
    uint64_t os = 0, tls_clients = 0, user_agents = 0, icmp_echo = 0;
  } dropped;
};

// One object of the document's "software" array. `ref` turns a provenance into the evidence
// reference text ("packet 17"); without it the number is written as it is.
nlohmann::json to_json(const HostSoftware& h,
                       const std::function<std::string(const Provenance&)>& ref = {});

}  // namespace callhome
