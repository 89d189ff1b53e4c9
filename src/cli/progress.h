// One self-rewriting line on standard error while inputs are read, so that a long run shows it
// is alive and how far it got. Only when standard error is a terminal: scripts and logs get
// nothing.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace callhome {

class ProgressLine {
 public:
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}
  ~ProgressLine() { clear(); }
  static bool stderr_is_terminal();

  // A new input: the `index`-th of `count`.
  void start(size_t index, size_t count, const std::string& path);
  // Bytes of the current input read so far, of `total` (0: unknown).
  void update(uint64_t done, uint64_t total);
  // A stage after reading ("running the detectors").
  void stage(const std::string& what);
  void clear();

 private:
  void draw(const std::string& text);
  bool enabled_;
  bool shown_ = false;
  size_t index_ = 0, count_ = 0;
  std::string path_;
  std::chrono::steady_clock::time_point started_, last_draw_;
};

}  // namespace callhome
