// Opens a file that must be a regular file (evidence, a site profile, a time zone) without
// ever blocking on one that is not: open() of a FIFO waits for a writer, and reads from a
// socket or a device may wait, or never end. The kind is checked before opening (stat) and
// again on what was opened (fstat), the open itself being non-blocking.
#pragma once

#include <sys/types.h>

#include <string>

namespace callhome {

// A read-only descriptor (close-on-exec, blocking reads) of the regular file at `path`, or -1
// with *why saying why not: "cannot open: No such file or directory", "not a regular file (a
// named pipe)".
int open_regular_file(const std::string& path, std::string* why);

// What a file of this mode is, for messages: "a named pipe", "a directory", "a socket" ...
const char* file_kind(mode_t mode);

}  // namespace callhome
