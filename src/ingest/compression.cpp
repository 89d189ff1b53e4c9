#include "ingest/compression.h"

#include <cstring>
#include <string_view>

namespace callhome {
namespace {

struct Magic {
  std::string_view bytes;
  CompressionMagic what;
};

using std::literals::operator""sv;

// Longest first where one magic is a prefix of another's family. Sources: each format's
// specification (RFC 1952, the bzip2 and xz file formats, RFC 8878, the LZ4 frame format,
// PKWARE's APPNOTE, 7-Zip's 7zFormat.txt).
constexpr Magic kMagics[] = {
    {"\x1f\x8b"sv, {Compression::gzip, "gzip"}},
    {"\xfd\x37\x7a\x58\x5a\x00"sv, {Compression::xz, "xz"}},
    {"\x28\xb5\x2f\xfd"sv, {Compression::zstd, "zstd"}},
    {"\x04\x22\x4d\x18"sv, {Compression::unsupported, "lz4"}},
    {"\x02\x21\x4c\x18"sv, {Compression::unsupported, "lz4"}},  // the legacy frame
    {"\x37\x7a\xbc\xaf\x27\x1c"sv, {Compression::unsupported, "7z"}},
    {"PK\x03\x04"sv, {Compression::unsupported, "zip"}},
    {"PK\x05\x06"sv, {Compression::unsupported, "zip"}},  // an empty archive
    {"PK\x07\x08"sv, {Compression::unsupported, "zip"}},  // a spanned archive
    {"Rar!\x1a\x07"sv, {Compression::unsupported, "rar"}},
    {"LZIP\x01"sv, {Compression::unsupported, "lzip"}},
    {"\x89LZO\x00\r\n\x1a\n"sv, {Compression::unsupported, "lzop"}},
    {"\x1f\x9d"sv, {Compression::unsupported, "compress (.Z)"}},
};

bool starts_with(const uint8_t* head, size_t size, std::string_view magic) {
  return size >= magic.size() && std::memcmp(head, magic.data(), magic.size()) == 0;
}

}  // namespace

CompressionMagic detect_compression(const uint8_t* head, size_t size) {
  for (const auto& m : kMagics) {
    if (starts_with(head, size, m.bytes)) return m.what;
  }
  // bzip2: "BZh" and the block size, '1' to '9' (a text line may well start with "BZh").
  if (starts_with(head, size, "BZh") && size >= 4 && head[3] >= '1' && head[3] <= '9') {
    return {Compression::bzip2, "bzip2"};
  }
  // zstd's skippable frames (0x184D2A50 to 0x184D2A5F, little-endian), which pzstd writes first.
  if (size >= 4 && (head[0] & 0xf0) == 0x50 && head[1] == 0x2a && head[2] == 0x4d &&
      head[3] == 0x18) {
    return {Compression::zstd, "zstd"};
  }
  return {};
}

const char* detect_archive(const uint8_t* head, size_t size) {
  // POSIX ustar and GNU tar both put "ustar" at offset 257 of the first header block.
  constexpr size_t kTarMagicAt = 257;
  if (size >= kTarMagicAt + 5 && std::memcmp(head + kTarMagicAt, "ustar", 5) == 0) return "tar";
  return nullptr;
}

}  // namespace callhome
