// The on-disk layout of callhome's compiled IP-to-owner index (callhome-ipdb.bin), shared by the
// builder and the reader. The file is memory-mapped and read in place, so everything is plain
// fixed-size little-endian data at 64-byte aligned offsets; the reader validates every offset
// and every index before trusting it (a cache file can be truncated or stale).
//
// The address space of each family is cut into segments that cover it completely: segment i
// runs from starts[i] to starts[i+1]-1 and carries info[i] (an index into the info table, or
// kNoInfo for addresses nobody has data for). Adjacent segments never share an info index.
// A directory tells which segment holds the first address of each bucket, so a lookup reads
// the directory and then binary-searches the few segments between two entries:
//  - IPv4: a flat directory over the top 16 bits (segments per /16: 7 on average, 257 at most);
//  - IPv6: the data crowds into a few prefixes (35,000 segments under one /16, 5,000 under one
//    /32), so the top-16-bit directory entries may point to child nodes that split their
//    bucket on the next 8 bits, recursively, until at most kLeafSegments remain.
#pragma once

#include <cstdint>
#include <type_traits>

namespace callhome::ipdb {

inline constexpr char kMagic[8] = {'C', 'H', 'I', 'P', 'D', 'B', '\n', '\0'};
inline constexpr uint32_t kVersion = 2;
inline constexpr uint32_t kByteOrderMark = 0x01020304;
inline constexpr uint32_t kNoInfo = 0xffffffff;
inline constexpr uint32_t kBuckets = 65536;  // directory entries per family (+1 sentinel)
inline constexpr uint64_t kAlign = 64;
inline constexpr uint32_t kLeafSegments = 32;  // IPv6: split buckets holding more than this
inline constexpr uint32_t kNodeFanout = 256;   // children per IPv6 node (8 bits)

using u128 = unsigned __int128;

// The CSV files an index was compiled from, so a changed source triggers a rebuild.
enum SourceRole : int { kAsnV4, kAsnV6, kCountryV4, kCountryV6, kSourceRoles };

struct SourceStamp {
  uint32_t present = 0;
  uint32_t reserved = 0;
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  char name[104] = {};  // file name, for `callhome` diagnostics only
};

struct Section {
  uint64_t offset = 0;  // from the start of the file
  uint64_t count = 0;   // elements, not bytes
};

// One IPv6 directory entry: the segment holding the first address of its bucket, and the node
// splitting that bucket further (1 + index into the node array; 0 for none). A node is
// kNodeFanout + 1 entries; the last one only closes the search range of the one before it.
struct DirEntry {
  uint32_t segment = 0;
  uint32_t child = 0;
};

struct InfoRecord {
  uint32_t asn = 0;  // 0: unknown
  uint32_t org_offset = 0;
  uint16_t org_length = 0;
  char country[2] = {0, 0};  // ISO 3166 alpha-2, or two NULs
};

struct Header {
  char magic[8] = {};
  uint32_t version = 0;
  uint32_t byte_order = 0;
  uint64_t file_size = 0;
  int64_t built_unix = 0;
  SourceStamp sources[kSourceRoles] = {};
  Section v4_directory;  // uint32_t[kBuckets + 1]
  Section v4_starts;     // uint32_t[n4]
  Section v4_info;       // uint32_t[n4]
  Section v6_directory;  // DirEntry[kBuckets + 1]
  Section v6_nodes;      // DirEntry[(kNodeFanout + 1) * nodes]
  Section v6_starts;     // u128[n6] (host byte order, most significant bits = first address bytes)
  Section v6_info;       // uint32_t[n6]
  Section infos;         // InfoRecord[]
  Section strings;       // char[] organisation names, not NUL-terminated
};

static_assert(std::is_trivially_copyable_v<Header> && sizeof(InfoRecord) == 12 &&
              sizeof(DirEntry) == 8);

}  // namespace callhome::ipdb
