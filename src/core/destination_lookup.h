// What the investigation needs to know about the other end of a connection: who owns the
// address, what kind of service it is, the names it was seen under, and what a port is used
// for. Enrichment implements it; tests use small fakes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"

namespace callhome {

struct DestinationInfo {
  uint32_t asn = 0;
  std::string org;                  // "Akamai Technologies" or empty
  std::string country;              // ISO code or empty
  std::string category;             // cdn, update_service, antivirus, p2p_vendor, ... or empty
  std::vector<std::string> names;   // names seen for it (DNS, proxy, SNI), most frequent first
  bool category_from_name = false;  // the category is that of a name seen, not of the owner
};

struct PortInfo {
  std::string service;   // "fasttrack", "http" ...
  std::string category;  // p2p, web, proxy, remote_access, ... or empty
  std::string description;
};

struct NameInfo {
  std::string org;       // "StreamCast Networks" or empty
  std::string category;  // p2p_vendor, update_service, dyndns, ... or empty
  std::string description;
};

class DestinationLookup {
 public:
  virtual ~DestinationLookup() = default;
  virtual DestinationInfo destination(const Address& a) const = 0;
  virtual PortInfo port(uint16_t port, uint8_t ip_proto) const = 0;
  // Who is behind a host name (the longest known domain suffix); empty when unknown.
  virtual NameInfo name(std::string_view) const { return {}; }
};

// Knows nothing: the analysis still runs, without organisations.
class NoDestinationLookup : public DestinationLookup {
 public:
  DestinationInfo destination(const Address&) const override { return {}; }
  PortInfo port(uint16_t, uint8_t) const override { return {}; }
};

}  // namespace callhome
