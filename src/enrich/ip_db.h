// Reads callhome's compiled IP-to-owner index (ip_db_format.h) in place: a memory-mapped file or
// an in-memory image. A lookup allocates nothing and touches a directory entry and a few cache
// lines of one bucket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "enrich/ip_db_format.h"
#include "enrich/result.h"

namespace callhome {

struct IpOwner {
  uint32_t asn = 0;          // 0 when only the country is known
  std::string_view org;      // points into the index; valid while the IpDb lives
  std::string_view country;  // "US", or empty
  Address first, last;       // the range of addresses sharing exactly this answer
};

class IpDb {
 public:
  IpDb(IpDb&&) noexcept;
  IpDb& operator=(IpDb&&) noexcept;
  ~IpDb();

  // Maps the file read-only and validates it completely (offsets, ordering, every index), so
  // a damaged or foreign file is an error here and never a wild read later.
  static Result<IpDb> open(const std::string& path);
  static Result<IpDb> from_image(std::vector<uint8_t> image);

  std::optional<IpOwner> lookup(const Address& a) const;
  // The hot path without the Address round trip: info index for an IPv4 value, or kNoInfo.
  uint32_t v4_info(uint32_t v4) const { return v4_info_[v4_segment(v4)]; }

  const ipdb::Header& header() const { return *header_; }
  size_t v4_segments() const { return n4_; }
  size_t v6_segments() const { return n6_; }
  size_t v6_nodes() const { return n6_nodes_; }
  size_t size_bytes() const { return header_->file_size; }

 private:
  struct Storage;
  IpDb() = default;
  static Result<IpDb> adopt(std::unique_ptr<Storage> storage);

  size_t v4_segment(uint32_t v) const {
    // The directory names the segment holding the first address of v's /16, and the next
    // entry the one holding the next /16's first address: the answer lies between them.
    const uint32_t* dir = v4_dir_ + (v >> 16);
    const uint32_t* base = v4_starts_ + dir[0];
    size_t len = size_t(dir[1] - dir[0]) + 1;
    while (len > 1) {  // branchless: base[0] <= v always holds
      size_t half = len / 2;
      base = base[half] <= v ? base + half : base;
      len -= half;
    }
    return size_t(base - v4_starts_);
  }
  size_t v6_segment(ipdb::u128 v) const;
  IpOwner owner(uint32_t info) const;

  std::unique_ptr<Storage> storage_;
  const ipdb::Header* header_ = nullptr;
  const uint32_t* v4_dir_ = nullptr;
  const uint32_t* v4_starts_ = nullptr;
  const uint32_t* v4_info_ = nullptr;
  const ipdb::DirEntry* v6_dir_ = nullptr;
  const ipdb::DirEntry* v6_nodes_ = nullptr;
  const ipdb::u128* v6_starts_ = nullptr;
  const uint32_t* v6_info_ = nullptr;
  const ipdb::InfoRecord* infos_ = nullptr;
  const char* strings_ = nullptr;
  size_t n4_ = 0, n6_ = 0, n6_nodes_ = 0, ninfo_ = 0, nstrings_ = 0;
};

}  // namespace callhome
