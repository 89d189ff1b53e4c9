#include "enrich/enricher.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "enrich/ip_db_cache.h"
#include "enrich/reserved_ranges.h"

namespace callhome {

std::string default_data_dir() {
  if (const char* env = std::getenv("CALLHOME_DATA_DIR"); env && *env) return env;
  return CALLHOME_DATA_DIR;
}

namespace {

// The IPv4 address a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address carries: the packet's
// real destination on the IPv4 internet, and so the owner worth naming.
std::optional<Address> embedded_v4(const Address& a) {
  const auto& b = a.bytes();
  static constexpr uint8_t kNat64[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
  if (std::equal(b.begin(), b.begin() + 12, kNat64)) return Address::v4_bytes(&b[12]);
  if (b[0] == 0x20 && b[1] == 0x02) return Address::v4_bytes(&b[2]);
  return std::nullopt;
}

// The first and last address of the `bits`-long prefix (native to a's family) holding `a`.
std::pair<Address, Address> prefix_range(const Address& a, int bits) {
  int total = a.is_v4() ? bits + 96 : bits;
  auto lo = a.bytes(), hi = a.bytes();
  for (int i = 0; i < 16; ++i) {
    int keep = std::clamp(total - i * 8, 0, 8);
    uint8_t mask = uint8_t(0xff00 >> keep);
    lo[i] &= mask;
    hi[i] |= uint8_t(~mask);
  }
  return {Address::v6_bytes(lo.data()), Address::v6_bytes(hi.data())};
}

}  // namespace

Enricher::Enricher(EnricherOptions options) : opt_(std::move(options)) {
  const std::string& dir = opt_.data_dir;
  if (auto p = PortKnowledge::load(dir + "/ports.tsv")) {
    ports_ = std::move(*p);
  } else {
    warn("port knowledge unavailable: " + p.error());
  }
  if (auto d = DomainKnowledge::load(dir + "/domains.tsv")) {
    domains_ = std::move(*d);
  } else {
    warn("domain knowledge unavailable: " + d.error());
  }
  if (auto o = OwnerKnowledge::load(dir + "/asns.tsv", dir + "/networks.tsv")) {
    owners_ = std::move(*o);
  } else {
    warn("network knowledge unavailable: " + o.error());
  }
  if (auto t = ToolKnowledge::load(dir + "/tools.tsv")) {
    tools_ = std::move(*t);
  } else {
    warn("tool signatures unavailable: " + t.error());
  }
  for (auto [path, slot] : {std::pair{&opt_.asn_mmdb, &asn_mmdb_}, {&opt_.geo_mmdb, &geo_mmdb_}}) {
    if (path->empty()) continue;
    if (auto m = MmdbLookup::open(*path)) {
      slot->emplace(std::move(*m));
    } else {
      warn("cannot use MaxMind database " + m.error());
    }
  }
}

Enricher::~Enricher() = default;

void Enricher::warn(const std::string& message) const {
  std::lock_guard lock(warn_mu_);
  for (const auto& w : warnings_) {
    if (w == message) return;
  }
  warnings_.push_back(message);
  if (opt_.warn) {
    opt_.warn(message);
  } else {
    std::fprintf(stderr, "callhome: warning: %s\n", message.c_str());
  }
}

std::vector<std::string> Enricher::warnings() const {
  std::lock_guard lock(warn_mu_);
  return warnings_;
}

void Enricher::open_ipdb_once() const {
  std::call_once(ipdb_once_, [this] {
    if (!opt_.use_ipdb) return;
    std::string dir = opt_.ipdb_dir.empty() ? default_ipdb_dir() : opt_.ipdb_dir;
    IpDbOpenInfo info;
    auto db = open_ipdb(dir, &info);
    if (!db) {
      warn(db.error() + "; organisations and countries will be missing");
      return;
    }
    if (!info.note.empty()) warn("IP index: " + info.note);
    ipdb_.emplace(std::move(*db));
  });
}

bool Enricher::has_ip_database() const {
  open_ipdb_once();
  return ipdb_.has_value();
}

const IpDb* Enricher::ip_database() const {
  open_ipdb_once();
  return ipdb_ ? &*ipdb_ : nullptr;
}

void Enricher::fill_from_databases(const Address& a, OwnerInfo& o) const {
  open_ipdb_once();
  if (ipdb_) {
    if (auto r = ipdb_->lookup(a)) {
      bool used = false;
      if (o.asn == 0 && r->asn != 0) {
        o.asn = r->asn;
        o.org = std::string(r->org);
        used = true;
      }
      if (o.country.empty() && !r->country.empty()) {
        o.country = std::string(r->country);
        used = true;
      }
      if (used) {
        if (o.source.empty()) o.source = "ip-location-db";
        if (!o.range) o.range = std::pair{r->first, r->last};
      }
    }
  }
  if (o.asn == 0 && o.org.empty()) {
    if (const NetworkEntry* n = owners_.network(a)) {
      o.asn = n->asn;
      o.org = n->organisation;
      if (!n->category.empty()) o.category = n->category;
      o.source += std::string(o.source.empty() ? "" : " + ") + "data/networks.tsv";
    }
  }
}

OwnerInfo Enricher::owner(const Address& a) const {
  OwnerInfo o;
  auto reserved = reserved_range(a);
  if (reserved) o.reserved = std::string(reserved->name);
  if (asn_mmdb_) {
    if (auto r = asn_mmdb_->lookup(a)) {
      o.asn = r->asn;
      o.org = r->org;
      if (!r->country.empty()) o.country = r->country;
      o.source = "mmdb";
      o.range = prefix_range(a, r->prefix_bits);
    }
  }
  if (geo_mmdb_) {
    if (auto r = geo_mmdb_->lookup(a)) {
      if (!r->country.empty()) o.country = r->country;
      if (o.asn == 0 && r->asn != 0) o.asn = r->asn, o.org = r->org;
      o.source = "mmdb";
      if (!o.range) o.range = prefix_range(a, r->prefix_bits);
    }
  }
  if (reserved) {
    // Special-purpose space has no owner in public databases; only a tunnelled IPv4 address
    // inside NAT64/6to4 space does.
    auto inner = reserved->global ? embedded_v4(a) : std::nullopt;
    if (inner && o.asn == 0) {
      OwnerInfo in = owner(*inner);
      o.asn = in.asn, o.org = in.org, o.country = in.country, o.category = in.category;
      o.operator_name = in.operator_name;
      if (!in.source.empty()) o.source = in.source + " (embedded IPv4 " + inner->to_string() + ")";
      return o;
    }
    if (o.source.empty()) o.source = "reserved";
  } else {
    fill_from_databases(a, o);
  }
  if (const AsnEntry* e = o.asn ? owners_.asn(o.asn) : nullptr) {
    o.operator_name = e->operator_name;
    if (o.category.empty()) o.category = e->category;
  }
  return o;
}

const PortEntry* Enricher::port_entry(uint16_t port, uint8_t ip_proto) const {
  return ports_.lookup(port, ip_proto);
}

const DomainEntry* Enricher::domain(std::string_view host) const {
  return domains_.match(host);
}

NameInfo Enricher::name(std::string_view host) const {
  const DomainEntry* d = domains_.match(host);
  return d ? NameInfo{d->organisation, d->category, d->description} : NameInfo{};
}

DestinationInfo Enricher::destination(const Address& a) const {
  OwnerInfo o = owner(a);
  DestinationInfo d;
  d.asn = o.asn;
  d.country = o.country;
  d.org = !o.operator_name.empty() ? o.operator_name : !o.org.empty() ? o.org : o.reserved;
  d.category = o.category;
  if (opt_.names) {
    bool named = false;
    for (const auto& s : opt_.names->names_for(a)) {
      if (!named) {
        if (const DomainEntry* e = domains_.match(s.name)) {
          d.category = e->category;
          d.category_from_name = true;
          if (d.org.empty()) d.org = e->organisation;
          named = true;
        }
      }
      d.names.push_back(s.name);
    }
  }
  if (d.category.empty() && !o.reserved.empty()) d.category = "reserved";
  return d;
}

PortInfo Enricher::port(uint16_t port, uint8_t ip_proto) const {
  const PortEntry* e = ports_.lookup(port, ip_proto);
  if (!e) return {};
  PortInfo p;
  p.service = e->service;
  p.category = e->category;
  p.description =
      e->application.empty() ? e->description : e->description + " (" + e->application + ")";
  return p;
}

std::vector<std::string> Enricher::attributions() const {
  std::vector<std::string> out;
  if (ipdb_) {
    out.push_back(
        "IP-to-ASN data: RouteViews (routeviews.org), DB-IP IP to ASN Lite (db-ip.com) and "
        "NRO (nro.net), CC BY 4.0, via ip-location-db (github.com/sapics/ip-location-db); "
        "IP-to-country data: ip-location-db asn-country, CC0");
  }
  for (const auto* m : {&asn_mmdb_, &geo_mmdb_}) {
    if (!*m) continue;
    std::string line = "MaxMind DB: " + (*m)->path();
    if (!(*m)->database_type().empty()) line += " (" + (*m)->database_type() + ")";
    if ((*m)->database_type().rfind("GeoLite2", 0) == 0) {
      line += "; this product includes GeoLite2 data created by MaxMind (maxmind.com)";
    }
    out.push_back(line);
  }
  return out;
}

}  // namespace callhome
