// Which compression a stream starts with, told by its magic bytes (never by a file name): the
// ones callhome decompresses, and the common ones it does not, so that those get a message
// that says what to do instead of "unrecognised format".
#pragma once

#include <cstddef>
#include <cstdint>

namespace callhome {

enum class Compression {
  none,
  gzip,
  bzip2,
  xz,
  zstd,
  unsupported,  // a known compressed or archive format callhome does not read
};

struct CompressionMagic {
  Compression kind = Compression::none;
  const char* name = "";  // "gzip", "lz4", "7z", "zip", ...; empty for none
};

// The compression of a stream that starts with `head` (at least 6 bytes, when the stream has
// them, to tell them all apart).
CompressionMagic detect_compression(const uint8_t* head, size_t size);

// Names the archive (a container of files rather than one compressed stream) that decompressed
// bytes start with: "tar", or nullptr. A .tar.gz of logs decompresses to this.
const char* detect_archive(const uint8_t* head, size_t size);

}  // namespace callhome
