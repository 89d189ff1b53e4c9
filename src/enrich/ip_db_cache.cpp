#include "enrich/ip_db_cache.h"

#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace callhome {
namespace {

bool same_sources(const ipdb::Header& h, const IpDbSources& sources) {
  auto now = stamp_sources(sources);
  for (int role = 0; role < ipdb::kSourceRoles; ++role) {
    const auto& a = h.sources[role];
    const auto& b = now[role];
    if (a.present != b.present || a.size != b.size || a.mtime_ns != b.mtime_ns) return false;
  }
  return true;
}

}  // namespace

std::string default_ipdb_dir() {
  if (const char* env = std::getenv("CALLHOME_IPDB_DIR"); env && *env) return env;
  return (std::filesystem::path(CALLHOME_DATA_DIR) / ".." / ".cache" / "ipdb")
      .lexically_normal()
      .string();
}

Result<IpDb> open_ipdb(const std::string& dir, IpDbOpenInfo* info) {
  IpDbOpenInfo local;
  IpDbOpenInfo& out = info ? *info : local;
  out = {};
  out.index_path = dir + "/callhome-ipdb.bin";
  IpDbSources sources = find_ipdb_sources(dir);
  auto existing = IpDb::open(out.index_path);
  // Without sources an existing index is still good data (someone may ship only the index).
  if (existing && (!sources.any() || same_sources(existing->header(), sources))) {
    return existing;
  }
  if (!sources.any()) {
    return Error{"no IP-to-ASN data in " + dir + " (run scripts/install-ipdb.sh)"};
  }
  auto image = build_ipdb_image(sources, &out.build_stats);
  if (!image) {
    // Old data beats no data: keep answering from the previous index.
    if (existing) {
      out.note =
          "cannot rebuild from changed sources (" + image.error() + "); using the previous index";
      return existing;
    }
    return Error{image.error()};
  }
  out.built = true;
  if (auto err = write_file_atomically(out.index_path, *image)) {
    out.note = *err + "; using the index in memory for this run";
  } else if (auto mapped = IpDb::open(out.index_path)) {
    // Mapping the written file lets the page cache share it with other callhome processes.
    out.cached = true;
    return mapped;
  }
  return IpDb::from_image(std::move(*image));
}

}  // namespace callhome
