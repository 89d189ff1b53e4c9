// The same evidence given twice (the same path twice, a directory and a file inside it, a hard
// link, or a byte-for-byte copy) is read once: counted twice, it would double every count and
// every finding built on counts.
#pragma once

#include <string>
#include <vector>

#include "report/output_file.h"

namespace callhome {

struct InputFiles {
  std::vector<std::string> files;  // to read, in the order given, each once
  // The identity of every input found, read or dropped: outputs must never land on one.
  std::vector<FileId> ids;
  std::vector<std::string> notes;  // one per input dropped, "PATH: why"
};

// Drops every file that is the same file (device and inode) as an earlier one, or that has the
// same bytes as an earlier one. Content is compared only between regular files of equal size,
// hashed (SHA-256) before anything is read for the analysis: such files are rare, and a copy
// found only after its events were emitted could no longer be taken back.
InputFiles drop_repeated_inputs(const std::vector<std::string>& files);

}  // namespace callhome
