#include "cli/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

#include "report/escape.h"

namespace callhome {
namespace {

std::string size_text(double bytes) {
  if (bytes >= 1e9) return fmt::format("{:.1f} GB", bytes / 1e9);
  if (bytes >= 1e6) return fmt::format("{:.0f} MB", bytes / 1e6);
  return fmt::format("{:.0f} kB", bytes / 1e3);
}

}  // namespace

bool ProgressLine::stderr_is_terminal() {
  return isatty(STDERR_FILENO) == 1;
}

void ProgressLine::start(size_t index, size_t count, const std::string& path) {
  index_ = index;
  count_ = count;
  path_ = path;
  started_ = std::chrono::steady_clock::now();
  last_draw_ = {};
  update(0, 0);
}

void ProgressLine::update(uint64_t done, uint64_t total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < std::chrono::milliseconds(250)) return;  // four redraws a second
  last_draw_ = now;
  const double secs = std::chrono::duration<double>(now - started_).count();
  std::string text = fmt::format("callhome: [{}/{}] {}", index_ + 1, count_, term_escape(path_));
  if (total > 0) {
    text += fmt::format(": {:.0f}% of {}", 100.0 * double(done) / double(total),
                        size_text(double(total)));
  }
  if (secs > 0.5 && done > 0) text += fmt::format(", {}/s", size_text(double(done) / secs));
  draw(text);
}

void ProgressLine::stage(const std::string& what) {
  if (!enabled_) return;
  draw("callhome: " + what);
}

void ProgressLine::draw(const std::string& text) {
  // \r and erase-to-end-of-line: the line rewrites itself instead of scrolling.
  std::fprintf(stderr, "\r\033[K%s", text.c_str());
  std::fflush(stderr);
  shown_ = true;
}

void ProgressLine::clear() {
  if (!enabled_ || !shown_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace callhome
