// What the calling-home channel detectors (long_session, unresolved_destination) ask of a
// destination: is it outside any "home" at all, is it a big platform everyone talks to, and is
// its port a web-like port or one whose sessions are long or nameless by design.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/address.h"
#include "core/destination_lookup.h"

namespace callhome {

// Multicast, broadcast, link-local, loopback, "this network": how LANs work, never a channel.
bool is_local_scope(const Address& a);

// Owner categories (data/asns.tsv, data/domains.tsv) of platforms that every phone and desktop
// keeps sessions with: push, sync, telemetry, streaming. Hosting providers are not among them:
// anyone can rent a server there.
bool is_big_platform(std::string_view owner_category);

// Ports whose long or nameless sessions the protocol itself explains (DNS, DoT/DoQ, NTP): the
// DNS-tunnel and beacon logic weigh them, not these detectors.
bool is_resolver_or_time(const PortInfo& port);

// Web and web-like ports (data/ports.tsv categories web and proxy) and ports favoured by
// backdoors (commonly_abused): where HTTP(S) check-ins and their look-alikes go. Without port
// knowledge, the usual web ports.
bool is_web_like(uint16_t port, const PortInfo& info);

// "203.0.113.9:80" or "[2001:db8::1]:443".
std::string endpoint_text(const Address& a, uint16_t port);

// "42.0 MB", "5.8 kB", "312 B" (decimal units, as the network tools print them).
std::string bytes_text(uint64_t bytes);

// "39 min", "2.5 h", "40 s".
std::string elapsed_text(double seconds);

}  // namespace callhome
