#include "enrich/mmdb_lookup.h"

#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace callhome {

struct MmdbLookup::Handle {
  MMDB_s db{};
  ~Handle() { MMDB_close(&db); }
};

MmdbLookup::MmdbLookup(MmdbLookup&&) noexcept = default;
MmdbLookup& MmdbLookup::operator=(MmdbLookup&&) noexcept = default;
MmdbLookup::~MmdbLookup() = default;

Result<MmdbLookup> MmdbLookup::open(const std::string& path) {
  MMDB_s db{};
  int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db);
  // On failure MMDB_open has released what it allocated; there is nothing to close.
  if (status != MMDB_SUCCESS) return Error{path + ": " + MMDB_strerror(status)};
  auto h = std::make_unique<Handle>();
  h->db = db;
  MmdbLookup m;
  m.path_ = path;
  if (h->db.metadata.database_type) m.type_ = h->db.metadata.database_type;
  m.h_ = std::move(h);
  return m;
}

namespace {

// Reads the value at `path` as text or as a number; ipinfo stores ASNs as "AS15169".
std::optional<std::string> get_string(MMDB_entry_s entry, const char* const* path) {
  MMDB_entry_data_s d;
  if (MMDB_aget_value(&entry, &d, path) != MMDB_SUCCESS || !d.has_data) return std::nullopt;
  if (d.type != MMDB_DATA_TYPE_UTF8_STRING) return std::nullopt;
  return std::string(d.utf8_string, d.data_size);
}

std::optional<uint32_t> get_number(MMDB_entry_s entry, const char* const* path) {
  MMDB_entry_data_s d;
  if (MMDB_aget_value(&entry, &d, path) != MMDB_SUCCESS || !d.has_data) return std::nullopt;
  switch (d.type) {
    case MMDB_DATA_TYPE_UINT16:
      return d.uint16;
    case MMDB_DATA_TYPE_UINT32:
      return d.uint32;
    case MMDB_DATA_TYPE_INT32:
      return d.int32 >= 0 ? std::optional<uint32_t>(d.int32) : std::nullopt;
    case MMDB_DATA_TYPE_UINT64:
      return d.uint64 <= 0xffffffffu ? std::optional<uint32_t>(uint32_t(d.uint64)) : std::nullopt;
    case MMDB_DATA_TYPE_UTF8_STRING: {
      std::string s(d.utf8_string, d.data_size);
      size_t i =
          (s.size() > 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's')) ? 2 : 0;
      uint64_t v = 0;
      if (i == s.size()) return std::nullopt;
      for (; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9' || (v = v * 10 + unsigned(s[i] - '0')) > 0xffffffffu) {
          return std::nullopt;
        }
      }
      return uint32_t(v);
    }
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<MmdbRecord> MmdbLookup::lookup(const Address& a) const {
  sockaddr_in6 s6{};
  sockaddr_in s4{};
  const sockaddr* sa;
  if (a.is_v4()) {
    s4.sin_family = AF_INET;
    std::memcpy(&s4.sin_addr, &a.bytes()[12], 4);
    sa = reinterpret_cast<const sockaddr*>(&s4);
  } else {
    s6.sin6_family = AF_INET6;
    std::memcpy(&s6.sin6_addr, a.bytes().data(), 16);
    sa = reinterpret_cast<const sockaddr*>(&s6);
  }
  int err = 0;
  MMDB_lookup_result_s r = MMDB_lookup_sockaddr(&h_->db, sa, &err);
  if (err != MMDB_SUCCESS || !r.found_entry) return std::nullopt;

  static const char* const kAsn[] = {"autonomous_system_number", nullptr};
  static const char* const kAsnIpinfo[] = {"asn", nullptr};
  static const char* const kOrg[] = {"autonomous_system_organization", nullptr};
  static const char* const kOrgIpinfo[] = {"as_name", nullptr};
  static const char* const kCountry[] = {"country", "iso_code", nullptr};
  static const char* const kRegistered[] = {"registered_country", "iso_code", nullptr};
  static const char* const kCountryCode[] = {"country_code", nullptr};

  MmdbRecord rec;
  bool any = false;
  if (auto n = get_number(r.entry, kAsn))
    rec.asn = *n, any = true;
  else if (auto m = get_number(r.entry, kAsnIpinfo))
    rec.asn = *m, any = true;
  if (auto s = get_string(r.entry, kOrg))
    rec.org = *s, any = true;
  else if (auto t = get_string(r.entry, kOrgIpinfo))
    rec.org = *t, any = true;
  for (const auto* path : {kCountry, kCountryCode, kRegistered}) {
    if (auto c = get_string(r.entry, path); c && c->size() == 2) {
      rec.country = *c;
      any = true;
      break;
    }
  }
  if (!any) return std::nullopt;
  // An IPv4 address found in an IPv6 tree gets a netmask counted in the 128-bit space.
  int bits = r.netmask;
  if (a.is_v4() && h_->db.metadata.ip_version == 6) bits -= 96;
  rec.prefix_bits = bits < 0 ? 0 : bits;
  return rec;
}

}  // namespace callhome
