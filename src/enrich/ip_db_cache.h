// Keeps the compiled IP index next to its CSV sources current: opens <dir>/callhome-ipdb.bin
// when it matches the sources' sizes and modification times, and otherwise compiles the CSVs
// (once, the first time callhome runs after scripts/install-ipdb.sh or a data update) and
// writes the index atomically for the next run.
#pragma once

#include <optional>
#include <string>

#include "enrich/ip_db.h"
#include "enrich/ip_db_builder.h"
#include "enrich/result.h"

namespace callhome {

// $CALLHOME_IPDB_DIR, else <repo>/.cache/ipdb (where scripts/install-ipdb.sh installs).
std::string default_ipdb_dir();

struct IpDbOpenInfo {
  std::string index_path;
  bool built = false;          // compiled during this call
  bool cached = false;         // the compiled index was written to index_path
  std::string note;            // why the index was not cached or not rebuilt, if so
  IpDbBuildStats build_stats;  // when built
};

// An error when `dir` holds neither sources nor a usable index: the caller warns and goes on
// without organisations.
Result<IpDb> open_ipdb(const std::string& dir, IpDbOpenInfo* info = nullptr);

}  // namespace callhome
