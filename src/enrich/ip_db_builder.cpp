#include "enrich/ip_db_builder.h"

#include <absl/container/flat_hash_map.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "enrich/range_csv.h"

namespace callhome {
namespace {

using ipdb::u128;

bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Organisation names, ASN entries and (ASN entry, country) pairs, each stored once.
class Interner {
 public:
  uint32_t asn_entry(uint32_t asn, const std::string& org) {
    auto [it, inserted] = orgs_.try_emplace(org, uint32_t(org_spans_.size()));
    if (inserted) {
      uint16_t len = uint16_t(std::min<size_t>(org.size(), 0xffff));
      org_spans_.push_back({uint32_t(strings_.size()), len});
      strings_.append(org, 0, len);
    }
    uint64_t key = uint64_t(asn) << 32 | it->second;
    auto [e, fresh] = asn_entries_.try_emplace(key, uint32_t(asn_list_.size()));
    if (fresh) asn_list_.push_back({asn, it->second});
    return e->second;
  }

  // The info record for an (ASN entry, country) pair; kNoInfo when both are absent.
  uint32_t info(uint32_t asn_entry, uint16_t country) {
    if (asn_entry == ipdb::kNoInfo && country == 0) return ipdb::kNoInfo;
    uint64_t key = uint64_t(asn_entry) << 16 | country;
    auto [it, inserted] = infos_.try_emplace(key, uint32_t(records_.size()));
    if (inserted) {
      ipdb::InfoRecord r;
      if (asn_entry != ipdb::kNoInfo) {
        const auto& a = asn_list_[asn_entry];
        r.asn = a.asn;
        r.org_offset = org_spans_[a.org].offset;
        r.org_length = org_spans_[a.org].length;
      }
      r.country[0] = char(country >> 8);
      r.country[1] = char(country & 0xff);
      records_.push_back(r);
    }
    return it->second;
  }

  const std::vector<ipdb::InfoRecord>& records() const { return records_; }
  const std::string& strings() const { return strings_; }

 private:
  struct Span {
    uint32_t offset;
    uint16_t length;
  };
  struct AsnEntry {
    uint32_t asn, org;
  };
  absl::flat_hash_map<std::string, uint32_t> orgs_;
  std::vector<Span> org_spans_;
  std::string strings_;
  absl::flat_hash_map<uint64_t, uint32_t> asn_entries_;
  std::vector<AsnEntry> asn_list_;
  absl::flat_hash_map<uint64_t, uint32_t> infos_;
  std::vector<ipdb::InfoRecord> records_;
};

struct Row {
  u128 first, last;
  uint32_t payload;  // ASN entry, or packed country code
};

std::optional<uint32_t> parse_asn(std::string_view s) {
  if (s.size() > 2 && (s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's')) {
    s.remove_prefix(2);
  }
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<uint16_t> parse_country(std::string_view s) {
  if (s.size() != 2) return std::nullopt;
  char a = char(std::toupper(static_cast<unsigned char>(s[0])));
  char b = char(std::toupper(static_cast<unsigned char>(s[1])));
  if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z') return std::nullopt;
  return uint16_t(uint8_t(a) << 8 | uint8_t(b));
}

template <typename Key>
struct Segments {
  std::vector<Key> starts;
  std::vector<uint32_t> info;
};

// Cuts one family's address space into segments of constant (ASN, country), see the header.
template <typename Key>
Segments<Key> sweep(const std::vector<Row>& asn, const std::vector<Row>& country, u128 max,
                    Interner& interner) {
  struct Event {
    u128 point;
    uint32_t row;
    uint8_t table;  // 0 ASN, 1 country
    bool start;
  };
  std::vector<Event> events;
  events.reserve(2 * (asn.size() + country.size()));
  const std::vector<Row>* tables[2] = {&asn, &country};
  for (uint8_t t = 0; t < 2; ++t) {
    for (uint32_t i = 0; i < tables[t]->size(); ++i) {
      const Row& r = (*tables[t])[i];
      events.push_back({r.first, i, t, true});
      if (r.last < max) events.push_back({r.last + 1, i, t, false});
    }
  }
  std::sort(events.begin(), events.end(),
            [](const Event& a, const Event& b) { return a.point < b.point; });

  Segments<Key> out;
  out.starts.push_back(0);
  out.info.push_back(ipdb::kNoInfo);
  // Ranges overlap rarely (one row in 400,000 in the 2026 data), so the active sets hold one
  // or two rows and a linear scan beats any tree.
  std::vector<uint32_t> active[2];
  auto best = [&](int t) -> uint32_t {
    const Row* pick = nullptr;
    uint32_t pick_i = 0;
    for (uint32_t i : active[t]) {
      const Row& r = (*tables[t])[i];
      if (!pick || r.last - r.first < pick->last - pick->first ||
          (r.last - r.first == pick->last - pick->first && i > pick_i)) {
        pick = &r, pick_i = i;
      }
    }
    return pick ? pick->payload : ipdb::kNoInfo;
  };
  for (size_t i = 0; i < events.size();) {
    u128 point = events[i].point;
    for (; i < events.size() && events[i].point == point; ++i) {
      auto& set = active[events[i].table];
      if (events[i].start) {
        set.push_back(events[i].row);
      } else if (auto it = std::find(set.begin(), set.end(), events[i].row); it != set.end()) {
        *it = set.back();
        set.pop_back();
      }
    }
    uint32_t a = best(0), c = best(1);
    uint32_t info = interner.info(a, c == ipdb::kNoInfo ? 0 : uint16_t(c));
    if (info == out.info.back()) continue;
    if (Key(point) == out.starts.back()) {
      out.info.back() = info;  // only at address 0
    } else {
      out.starts.push_back(Key(point));
      out.info.push_back(info);
    }
  }
  return out;
}

// The IPv4 directory: for each /16, the segment holding its first address.
std::vector<uint32_t> flat_directory(const std::vector<uint32_t>& starts) {
  std::vector<uint32_t> dir(ipdb::kBuckets + 1);
  size_t j = 0;
  for (uint32_t b = 0; b < ipdb::kBuckets; ++b) {
    uint32_t bucket_start = b << 16;
    while (j + 1 < starts.size() && starts[j + 1] <= bucket_start) ++j;
    dir[b] = uint32_t(j);
  }
  dir[ipdb::kBuckets] = uint32_t(starts.size() - 1);
  return dir;
}

// The IPv6 directory (see ip_db_format.h). fill() writes `count` + 1 entries at v[at] for
// the buckets of 2^shift addresses from `first`; a crowded bucket gets a node of its own.
class V6Tree {
 public:
  explicit V6Tree(const std::vector<u128>& starts) : starts_(starts) {}

  void build(std::vector<ipdb::DirEntry>& root, std::vector<ipdb::DirEntry>& nodes) {
    root.assign(ipdb::kBuckets + 1, {});
    fill(root, 0, 0, 112, ipdb::kBuckets, uint32_t(starts_.size() - 1));
    nodes = std::move(nodes_);
  }

 private:
  uint32_t containing(u128 address) const {
    auto it = std::upper_bound(starts_.begin(), starts_.end(), address);
    return uint32_t(it - starts_.begin() - 1);
  }

  void fill(std::vector<ipdb::DirEntry>& v, size_t at, u128 first, int shift, uint32_t count,
            uint32_t closing) {
    for (uint32_t c = 0; c < count; ++c) v[at + c].segment = containing(first + (u128(c) << shift));
    v[at + count].segment = closing;
    for (uint32_t c = 0; c < count; ++c) {
      uint32_t segments = v[at + c + 1].segment - v[at + c].segment + 1;
      if (segments <= ipdb::kLeafSegments || shift < 8) continue;
      size_t node = nodes_.size() / (ipdb::kNodeFanout + 1);
      nodes_.resize(nodes_.size() + ipdb::kNodeFanout + 1);
      // Child indices grow as the tree deepens: the reader checks that, so no file can loop.
      v[at + c].child = uint32_t(node + 1);  // `v` may be nodes_ itself: index, never point
      uint32_t close = v[at + c + 1].segment;
      fill(nodes_, node * (ipdb::kNodeFanout + 1), first + (u128(c) << shift), shift - 8,
           ipdb::kNodeFanout, close);
    }
  }

  const std::vector<u128>& starts_;
  std::vector<ipdb::DirEntry> nodes_;
};

Result<size_t> read_asn(const std::string& path, bool v6, Interner& interner,
                        std::vector<Row>& rows, size_t& skipped) {
  size_t bad = 0;
  auto r = read_range_csv(path, v6, [&](u128 first, u128 last, const auto& f) {
    auto asn = parse_asn(f[2]);
    if (!asn) {
      ++bad;
      return;
    }
    rows.push_back({first, last, interner.asn_entry(*asn, f.size() > 3 ? f[3] : "")});
  });
  if (!r) return Error{r.error()};
  skipped += r->skipped + bad;
  return rows.size();
}

Result<size_t> read_country(const std::string& path, bool v6, std::vector<Row>& rows,
                            size_t& skipped) {
  size_t bad = 0;
  auto r = read_range_csv(path, v6, [&](u128 first, u128 last, const auto& f) {
    auto cc = parse_country(f[2]);
    if (!cc) {
      ++bad;
      return;
    }
    rows.push_back({first, last, *cc});
  });
  if (!r) return Error{r.error()};
  skipped += r->skipped + bad;
  return rows.size();
}

// Reads one family's two CSVs and sweeps them.
template <typename Key>
Result<Segments<Key>> build_family(const IpDbSources& src, bool v6, Interner& interner,
                                   IpDbBuildStats& stats) {
  std::vector<Row> asn, country;
  int asn_role = v6 ? ipdb::kAsnV6 : ipdb::kAsnV4;
  int country_role = v6 ? ipdb::kCountryV6 : ipdb::kCountryV4;
  if (!src.paths[asn_role].empty()) {
    auto n = read_asn(src.paths[asn_role], v6, interner, asn, stats.skipped_rows);
    if (!n) return Error{n.error()};
    stats.rows[asn_role] = *n;
  }
  if (!src.paths[country_role].empty()) {
    auto n = read_country(src.paths[country_role], v6, country, stats.skipped_rows);
    if (!n) return Error{n.error()};
    stats.rows[country_role] = *n;
  }
  u128 max = v6 ? ~u128(0) : u128(0xffffffffu);
  return sweep<Key>(asn, country, max, interner);
}

uint64_t align(uint64_t v) {
  return (v + ipdb::kAlign - 1) / ipdb::kAlign * ipdb::kAlign;
}

class ImageWriter {
 public:
  ImageWriter() { bytes_.resize(align(sizeof(ipdb::Header))); }
  template <typename T>
  ipdb::Section add(const T* data, size_t count) {
    ipdb::Section s{bytes_.size(), count};
    size_t n = count * sizeof(T);
    bytes_.resize(align(bytes_.size() + n));
    if (n) std::memcpy(bytes_.data() + s.offset, data, n);
    return s;
  }
  std::vector<uint8_t> finish(const ipdb::Header& h) {
    std::memcpy(bytes_.data(), &h, sizeof h);
    return std::move(bytes_);
  }
  size_t size() const { return bytes_.size(); }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace

bool IpDbSources::any() const {
  return std::any_of(paths.begin(), paths.end(), [](const auto& p) { return !p.empty(); });
}

IpDbSources find_ipdb_sources(const std::string& dir) {
  static constexpr const char* kFiles[ipdb::kSourceRoles][2] = {
      {"asn/asn-ipv4-num.csv", "asn/asn-ipv4.csv"},
      {"asn/asn-ipv6-num.csv", "asn/asn-ipv6.csv"},
      {"asn-country/asn-country-ipv4-num.csv", "asn-country/asn-country-ipv4.csv"},
      {"asn-country/asn-country-ipv6-num.csv", "asn-country/asn-country-ipv6.csv"},
  };
  IpDbSources s;
  for (int role = 0; role < ipdb::kSourceRoles; ++role) {
    for (const char* f : kFiles[role]) {
      std::string file = f;
      std::string flat = dir + "/" + file.substr(file.find('/') + 1);
      for (const std::string& p : {dir + "/node_modules/@ip-location-db/" + file, flat}) {
        if (s.paths[role].empty() && exists(p)) s.paths[role] = p;
      }
    }
  }
  return s;
}

std::array<ipdb::SourceStamp, ipdb::kSourceRoles> stamp_sources(const IpDbSources& sources) {
  std::array<ipdb::SourceStamp, ipdb::kSourceRoles> out{};
  for (int role = 0; role < ipdb::kSourceRoles; ++role) {
    const std::string& p = sources.paths[role];
    struct stat st;
    if (p.empty() || ::stat(p.c_str(), &st) != 0) continue;
    out[role].present = 1;
    out[role].size = uint64_t(st.st_size);
    out[role].mtime_ns = int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    std::string name = p.substr(p.rfind('/') + 1);
    std::strncpy(out[role].name, name.c_str(), sizeof out[role].name - 1);
  }
  return out;
}

Result<std::vector<uint8_t>> build_ipdb_image(const IpDbSources& sources, IpDbBuildStats* out) {
  auto t0 = std::chrono::steady_clock::now();
  if (!sources.any()) return Error{"no IP-to-ASN source files"};
  // Stamp before reading: a file replaced while we read it then looks stale next time.
  auto stamps = stamp_sources(sources);
  IpDbBuildStats stats;
  Interner interner;
  ImageWriter w;
  ipdb::Header h;
  {
    auto v4 = build_family<uint32_t>(sources, false, interner, stats);
    if (!v4) return Error{v4.error()};
    auto directory = flat_directory(v4->starts);
    h.v4_directory = w.add(directory.data(), directory.size());
    h.v4_starts = w.add(v4->starts.data(), v4->starts.size());
    h.v4_info = w.add(v4->info.data(), v4->info.size());
    stats.v4_segments = v4->starts.size();
  }
  {
    auto v6 = build_family<u128>(sources, true, interner, stats);
    if (!v6) return Error{v6.error()};
    std::vector<ipdb::DirEntry> root, nodes;
    V6Tree(v6->starts).build(root, nodes);
    h.v6_directory = w.add(root.data(), root.size());
    h.v6_nodes = w.add(nodes.data(), nodes.size());
    stats.v6_nodes = nodes.size() / (ipdb::kNodeFanout + 1);
    h.v6_starts = w.add(v6->starts.data(), v6->starts.size());
    h.v6_info = w.add(v6->info.data(), v6->info.size());
    stats.v6_segments = v6->starts.size();
  }
  h.infos = w.add(interner.records().data(), interner.records().size());
  h.strings = w.add(interner.strings().data(), interner.strings().size());
  std::memcpy(h.magic, ipdb::kMagic, sizeof h.magic);
  h.version = ipdb::kVersion;
  h.byte_order = ipdb::kByteOrderMark;
  h.file_size = w.size();
  h.built_unix = int64_t(std::time(nullptr));
  for (int role = 0; role < ipdb::kSourceRoles; ++role) h.sources[role] = stamps[role];
  stats.infos = interner.records().size();
  stats.string_bytes = interner.strings().size();
  stats.image_bytes = w.size();
  auto image = w.finish(h);
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (out) *out = stats;
  return image;
}

std::optional<std::string> write_file_atomically(const std::string& path,
                                                 const std::vector<uint8_t>& bytes) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return "cannot create " + tmp + ": " + std::strerror(errno);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::string err = "cannot write " + tmp + ": " + std::strerror(errno);
      ::close(fd);
      ::unlink(tmp.c_str());
      return err;
    }
    done += size_t(n);
  }
  if (::close(fd) != 0 || ::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = "cannot replace " + path + ": " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return err;
  }
  return std::nullopt;
}

}  // namespace callhome
