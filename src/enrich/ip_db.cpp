#include "enrich/ip_db.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace callhome {

using ipdb::u128;

struct IpDb::Storage {
  const uint8_t* data = nullptr;
  size_t size = 0;
  void* map = nullptr;  // set when the bytes are a file mapping
  std::vector<uint8_t> owned;
  ~Storage() {
    if (map) ::munmap(map, size);
  }
};

IpDb::IpDb(IpDb&&) noexcept = default;
IpDb& IpDb::operator=(IpDb&&) noexcept = default;
IpDb::~IpDb() = default;

Result<IpDb> IpDb::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{"cannot open " + path + ": " + std::strerror(errno)};
  struct stat st;
  if (::fstat(fd, &st) != 0 || st.st_size < off_t(sizeof(ipdb::Header))) {
    ::close(fd);
    return Error{path + ": not a callhome IP index (too short)"};
  }
  void* map = ::mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return Error{"cannot map " + path + ": " + std::strerror(errno)};
  auto s = std::make_unique<Storage>();
  s->map = map;
  s->data = static_cast<const uint8_t*>(map);
  s->size = size_t(st.st_size);
  auto db = adopt(std::move(s));
  if (!db) return Error{path + ": " + db.error()};
  return db;
}

Result<IpDb> IpDb::from_image(std::vector<uint8_t> image) {
  auto s = std::make_unique<Storage>();
  s->owned = std::move(image);
  s->data = s->owned.data();
  s->size = s->owned.size();
  return adopt(std::move(s));
}

namespace {

template <typename T>
const T* section(const uint8_t* base, size_t size, const ipdb::Section& s) {
  if (s.offset % alignof(T) != 0 || s.offset > size) return nullptr;
  if (s.count > (size - s.offset) / sizeof(T)) return nullptr;
  return reinterpret_cast<const T*>(base + s.offset);
}

// Segments must start at 0 and ascend strictly; every info index must exist.
template <typename Key>
bool valid_segments(const Key* starts, const uint32_t* info, size_t n, size_t ninfo) {
  if (n == 0 || starts[0] != 0) return false;
  for (size_t i = 0; i < n; ++i) {
    if (i > 0 && !(starts[i - 1] < starts[i])) return false;
    if (info[i] != ipdb::kNoInfo && info[i] >= ninfo) return false;
  }
  return true;
}

// True when segment j holds `first`: the precondition of the lookups' branchless search.
template <typename Key>
bool holds(const Key* starts, size_t n, size_t j, u128 first) {
  return j < n && u128(starts[j]) <= first && (j + 1 == n || u128(starts[j + 1]) > first);
}

bool valid_v4_directory(const uint32_t* dir, const uint32_t* starts, size_t n) {
  for (uint32_t b = 0; b < ipdb::kBuckets; ++b) {
    if (dir[b + 1] < dir[b] || !holds(starts, n, dir[b], u128(b) << 16)) return false;
  }
  return dir[ipdb::kBuckets] == n - 1;
}

// Checks every entry of the IPv6 directory tree and that the tree is one: each node reached
// once, from a parent with a smaller index, at most 14 levels below the root (so a lookup
// always ends and never shifts by a negative amount).
bool valid_v6_directory(const ipdb::DirEntry* root, const ipdb::DirEntry* nodes, size_t node_count,
                        const u128* starts, size_t n) {
  std::vector<bool> seen(node_count, false);
  struct Work {
    const ipdb::DirEntry* entries;
    uint32_t count;
    u128 first;
    int shift;
    size_t self;  // node index + 1; 0 for the root
  };
  std::vector<Work> work = {{root, ipdb::kBuckets, 0, 112, 0}};
  while (!work.empty()) {
    Work w = work.back();
    work.pop_back();
    for (uint32_t c = 0; c < w.count; ++c) {
      const ipdb::DirEntry& e = w.entries[c];
      u128 first = w.first + (u128(c) << w.shift);
      if (w.entries[c + 1].segment < e.segment || !holds(starts, n, e.segment, first)) {
        return false;
      }
      if (e.child == 0) continue;
      if (e.child <= w.self || e.child > node_count || seen[e.child - 1] || w.shift < 8) {
        return false;
      }
      seen[e.child - 1] = true;
      const ipdb::DirEntry* node = nodes + size_t(e.child - 1) * (ipdb::kNodeFanout + 1);
      if (node[ipdb::kNodeFanout].segment != w.entries[c + 1].segment) return false;
      work.push_back({node, ipdb::kNodeFanout, first, w.shift - 8, e.child});
    }
  }
  return root[ipdb::kBuckets].segment == n - 1;
}

Address from_key(u128 k) {
  uint8_t b[16];
  for (int i = 15; i >= 0; --i, k >>= 8) b[i] = uint8_t(k);
  return Address::v6_bytes(b);
}

}  // namespace

Result<IpDb> IpDb::adopt(std::unique_ptr<Storage> s) {
  const uint8_t* base = s->data;
  size_t size = s->size;
  if (size < sizeof(ipdb::Header)) return Error{"not a callhome IP index (too short)"};
  auto h = reinterpret_cast<const ipdb::Header*>(base);
  if (std::memcmp(h->magic, ipdb::kMagic, sizeof h->magic) != 0) {
    return Error{"not a callhome IP index"};
  }
  if (h->version != ipdb::kVersion || h->byte_order != ipdb::kByteOrderMark) {
    return Error{"IP index of another version or byte order"};
  }
  if (h->file_size != size) return Error{"IP index truncated"};
  IpDb db;
  db.header_ = h;
  db.v4_dir_ = section<uint32_t>(base, size, h->v4_directory);
  db.v4_starts_ = section<uint32_t>(base, size, h->v4_starts);
  db.v4_info_ = section<uint32_t>(base, size, h->v4_info);
  db.v6_dir_ = section<ipdb::DirEntry>(base, size, h->v6_directory);
  db.v6_nodes_ = section<ipdb::DirEntry>(base, size, h->v6_nodes);
  db.v6_starts_ = section<u128>(base, size, h->v6_starts);
  db.v6_info_ = section<uint32_t>(base, size, h->v6_info);
  db.infos_ = section<ipdb::InfoRecord>(base, size, h->infos);
  db.strings_ = section<char>(base, size, h->strings);
  db.n4_ = h->v4_starts.count;
  db.n6_ = h->v6_starts.count;
  db.n6_nodes_ = h->v6_nodes.count / (ipdb::kNodeFanout + 1);
  db.ninfo_ = h->infos.count;
  db.nstrings_ = h->strings.count;
  if (!db.v4_dir_ || !db.v4_starts_ || !db.v4_info_ || !db.v6_dir_ || !db.v6_nodes_ ||
      !db.v6_starts_ || !db.v6_info_ || !db.infos_ || !db.strings_ ||
      h->v4_directory.count != ipdb::kBuckets + 1 || h->v6_directory.count != ipdb::kBuckets + 1 ||
      h->v6_nodes.count % (ipdb::kNodeFanout + 1) != 0 || h->v4_info.count != db.n4_ ||
      h->v6_info.count != db.n6_) {
    return Error{"IP index has a bad section table"};
  }
  if (!valid_segments(db.v4_starts_, db.v4_info_, db.n4_, db.ninfo_) ||
      !valid_segments(db.v6_starts_, db.v6_info_, db.n6_, db.ninfo_) ||
      !valid_v4_directory(db.v4_dir_, db.v4_starts_, db.n4_) ||
      !valid_v6_directory(db.v6_dir_, db.v6_nodes_, db.n6_nodes_, db.v6_starts_, db.n6_)) {
    return Error{"IP index is corrupt (segment order or directory)"};
  }
  for (size_t i = 0; i < db.ninfo_; ++i) {
    const auto& r = db.infos_[i];
    if (uint64_t(r.org_offset) + r.org_length > db.nstrings_) {
      return Error{"IP index is corrupt (organisation name out of range)"};
    }
  }
  db.storage_ = std::move(s);
  return db;
}

size_t IpDb::v6_segment(u128 v) const {
  const ipdb::DirEntry* e = v6_dir_ + size_t(v >> 112);
  int shift = 112;
  while (e->child) {  // validated: at most 14 levels, each deeper than the last
    shift -= 8;
    e = v6_nodes_ + size_t(e->child - 1) * (ipdb::kNodeFanout + 1) + size_t(v >> shift & 0xff);
  }
  const u128* base = v6_starts_ + e[0].segment;
  size_t len = size_t(e[1].segment - e[0].segment) + 1;
  while (len > 1) {
    size_t half = len / 2;
    base = base[half] <= v ? base + half : base;
    len -= half;
  }
  return size_t(base - v6_starts_);
}

IpOwner IpDb::owner(uint32_t info) const {
  IpOwner o;
  const ipdb::InfoRecord& r = infos_[info];
  o.asn = r.asn;
  o.org = std::string_view(strings_ + r.org_offset, r.org_length);
  if (r.country[0]) o.country = std::string_view(r.country, 2);
  return o;
}

std::optional<IpOwner> IpDb::lookup(const Address& a) const {
  if (a.is_v4()) {
    uint32_t v = a.v4_value();
    size_t i = v4_segment(v);
    if (v4_info_[i] == ipdb::kNoInfo) return std::nullopt;
    IpOwner o = owner(v4_info_[i]);
    o.first = Address::v4(v4_starts_[i]);
    o.last = Address::v4(i + 1 < n4_ ? v4_starts_[i + 1] - 1 : 0xffffffffu);
    return o;
  }
  u128 k = 0;
  for (uint8_t b : a.bytes()) k = k << 8 | b;
  size_t i = v6_segment(k);
  if (v6_info_[i] == ipdb::kNoInfo) return std::nullopt;
  IpOwner o = owner(v6_info_[i]);
  o.first = from_key(v6_starts_[i]);
  o.last = from_key(i + 1 < n6_ ? v6_starts_[i + 1] - 1 : ~u128(0));
  return o;
}

}  // namespace callhome
