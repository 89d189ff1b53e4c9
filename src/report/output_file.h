// Writes one output file without ever destroying what was at its path before the caller meant
// it to: a character device or FIFO (/dev/null, /dev/full, /dev/stdout, a pipe) is written in
// place, with every write checked; a regular file or a new name is written to an unpredictable
// temporary beside it and renamed over it only once every byte is on disk; anything else
// (a directory, a block device, a dangling symbolic link) is refused.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace callhome {

// A file's identity: what two paths share when they name the same file.
struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FileId&) const = default;
};

// The identity of the file at `path`, following symbolic links; false if it cannot be stat'ed.
bool file_id(const std::string& path, FileId& id);

// Creates a new file named `dir`/.callhome-XXXXXX (six random characters, so the name is short
// enough beside any file name and cannot be guessed in advance) with O_CREAT|O_EXCL|O_NOFOLLOW:
// a name planted in `dir` beforehand, symbolic link or not, is never opened. Returns the open
// descriptor (and the name in `path`), or -1 with `error` set.
int create_temporary(const std::string& dir, std::string& path, std::string& error);

// Whether `name` (a file name, not a path) has the form create_temporary() and
// make_temporary_dir() use: ".callhome-" and six letters or digits.
bool is_temporary_name(std::string_view name);

// Writes all of `data` to `fd`, retrying short writes; false with `error` set on failure.
bool write_all(int fd, std::string_view data, std::string& error);

class OutputFile {
 public:
  enum class Kind { none, refused, replace, stream, standard_output };

  // Looks at `path` (without writing anything): see the header comment. A path that names this
  // process's standard output (same file as descriptor 1, e.g. /dev/stdout) is written through
  // stdout so that it lands after what was printed there already.
  explicit OutputFile(std::string path);
  ~OutputFile();  // removes the temporary if commit() was never reached
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  Kind kind() const { return kind_; }
  const std::string& path() const { return path_; }
  const std::string& refusal() const { return error_; }  // why, when refused
  // The identity of the file that would be replaced or written; false when there is none yet.
  bool existing(FileId& id) const;

  // Writes `content` to the temporary (replace) or keeps it for commit (streams). False with
  // error() set on any failure, the temporary removed.
  bool write(std::string_view content);
  // Renames the temporary into place, or writes the stream; false with error() set.
  bool commit();
  const std::string& error() const { return error_; }

 private:
  std::string path_;    // as given, for messages
  std::string target_;  // what is replaced or opened: symbolic links resolved
  Kind kind_ = Kind::none;
  bool exists_ = false;
  FileId id_;
  mode_t mode_ = 0;  // of the file replaced, kept for the new one
  std::string temp_;
  std::string pending_;  // stream content, written at commit
  std::string error_;
};

}  // namespace callhome
