#include "report/escape.h"

#include <fmt/format.h>

#include <cstdint>

namespace callhome {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not one.
size_t utf8_length(std::string_view s, size_t i) {
  unsigned char c = s[i];
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return 0;
  }
  return n;
}

// Code points that act on a terminal or on how text around them is laid out, though valid
// UTF-8: the C1 controls (U+0080-U+009F; U+009B is a one-byte CSI to many terminals) and the
// bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069), which can make evidence
// read in a different order than it was written ("Trojan Source").
bool acts_on_display(std::string_view s, size_t i, size_t n) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  if (n == 2) return b(0) == 0xc2 && b(1) >= 0x80 && b(1) <= 0x9f;
  if (n != 3 || b(0) != 0xe2) return false;
  return (b(1) == 0x80 && b(2) >= 0xaa && b(2) <= 0xae) ||
         (b(1) == 0x81 && b(2) >= 0xa6 && b(2) <= 0xa9);
}

// The code point of the valid n-byte UTF-8 sequence at s[i] (n is 2 or 3 here).
uint32_t code_point(std::string_view s, size_t i, size_t n) {
  const auto b = [&](size_t k) { return uint32_t(static_cast<unsigned char>(s[i + k])); };
  return n == 2 ? (b(0) & 0x1f) << 6 | (b(1) & 0x3f)
                : (b(0) & 0x0f) << 12 | (b(1) & 0x3f) << 6 | (b(2) & 0x3f);
}

template <typename Plain>
std::string escape_with(std::string_view s, Plain&& plain) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = s[i];
    size_t n = utf8_length(s, i);
    if (n == 0 || c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    } else if (n > 1 && acts_on_display(s, i, n)) {
      out += fmt::format("\\u{:04x}", code_point(s, i, n));
      i += n;
    } else if (n == 1) {
      plain(out, char(c));
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace

std::string term_escape(std::string_view s) {
  return escape_with(s, [](std::string& out, char c) { out.push_back(c); });
}

std::string html_escape(std::string_view s) {
  return escape_with(s, [](std::string& out, char c) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  });
}

std::string md_escape(std::string_view s) {
  return escape_with(s, [](std::string& out, char c) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '(':
      case ')':
      case '#':
      case '|':
      case '!':
      case '{':
      case '}':
      case '~':
        out.push_back('\\');
        out.push_back(c);
        break;
      default:
        out.push_back(c);
    }
  });
}

}  // namespace callhome
