#include "fingerprint/user_agent.h"

#include <algorithm>

#include "enrich/tsv.h"

namespace callhome {
namespace {

bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.empty() || needle.size() > hay.size()) return needle.empty();
  const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
  return std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != hay.end();
}

// The version after `token` ("Chrome/" -> "120.0.1"): digits, dots, letters up to a separator.
std::string version_after(std::string_view ua, std::string_view token) {
  const size_t at = ua.find(token);
  if (at == std::string_view::npos) return {};
  std::string_view rest = ua.substr(at + token.size());
  size_t n = 0;
  while (n < rest.size() && n < 32 && rest[n] != ' ' && rest[n] != ';' && rest[n] != ')' &&
         rest[n] != '(' && rest[n] != ',') {
    ++n;
  }
  return std::string(rest.substr(0, n));
}

std::string underscores_to_dots(std::string v) {
  std::replace(v.begin(), v.end(), '_', '.');
  return v;
}

struct WindowsName {
  std::string_view token, name;
};
// Windows as browsers name it: the NT version number, or the 9x names.
constexpr WindowsName kWindows[] = {
    {"Windows NT 10.0", "Windows 10/11"},
    {"Windows NT 6.3", "Windows 8.1"},
    {"Windows NT 6.2", "Windows 8"},
    {"Windows NT 6.1", "Windows 7"},
    {"Windows NT 6.0", "Windows Vista"},
    {"Windows NT 5.2", "Windows XP x64/Server 2003"},
    {"Windows NT 5.1", "Windows XP"},
    {"Windows NT 5.0", "Windows 2000"},
    {"Windows NT 4.0", "Windows NT 4.0"},
    {"Win 9x 4.90", "Windows ME"},
    {"Windows ME", "Windows ME"},
    {"Windows 98", "Windows 98"},
    {"Win98", "Windows 98"},
    {"Windows 95", "Windows 95"},
    {"Win95", "Windows 95"},
    {"Windows Phone", "Windows Phone"},
};

}  // namespace

Result<UserAgentKnowledge> UserAgentKnowledge::parse(std::string_view text, std::string_view name) {
  UserAgentKnowledge k;
  auto n = parse_tsv(text, name, 5, [&](const TsvRow& r) -> std::optional<std::string> {
    KnownAgent a;
    a.pattern = r.fields[0];
    a.name = r.fields[1];
    a.category = r.fields[2];
    a.os = r.fields[3] == "-" ? std::string() : std::string(r.fields[3]);
    a.source = r.fields[4];
    // A short pattern matches too much ("AV" is in "JAVA").
    if (a.pattern.size() < 4) return "pattern '" + a.pattern + "' is too short";
    if (a.name.empty() || a.category.empty()) return std::string("name and category are required");
    if (a.source.empty()) return std::string("every entry must name its source");
    k.entries_.push_back(std::move(a));
    return std::nullopt;
  });
  if (!n) return Error{n.error()};
  return k;
}

Result<UserAgentKnowledge> UserAgentKnowledge::load(const std::string& path) {
  auto text = read_text_file(path);
  if (!text) return Error{text.error()};
  return parse(*text, path);
}

const KnownAgent* UserAgentKnowledge::find(std::string_view ua) const {
  for (const KnownAgent& a : entries_) {
    if (icontains(ua, a.pattern)) return &a;
  }
  return nullptr;
}

std::string user_agent_os(std::string_view ua) {
  for (const auto& w : kWindows) {
    if (ua.find(w.token) != std::string_view::npos) return std::string(w.name);
  }
  if (const std::string v = version_after(ua, "Android "); !v.empty()) return "Android " + v;
  for (std::string_view ios : {"iPhone OS ", "CPU OS "}) {
    if (const std::string v = version_after(ua, ios); !v.empty()) {
      return "iOS " + underscores_to_dots(v);
    }
  }
  if (const std::string v = version_after(ua, "Mac OS X "); !v.empty()) {
    return "macOS " + underscores_to_dots(v);
  }
  if (ua.find("Macintosh") != std::string_view::npos) return "macOS";
  if (ua.find("CrOS") != std::string_view::npos) return "ChromeOS";
  if (ua.find("Ubuntu") != std::string_view::npos) return "Ubuntu Linux";
  if (ua.find("FreeBSD") != std::string_view::npos) return "FreeBSD";
  if (ua.find("Linux") != std::string_view::npos || ua.find("X11") != std::string_view::npos) {
    return "Linux";
  }
  if (ua.find("Windows") != std::string_view::npos) return "Windows";
  return {};
}

UserAgentInfo normalise_user_agent(std::string_view ua, const UserAgentKnowledge* known) {
  UserAgentInfo info;
  info.os = user_agent_os(ua);
  // Browsers name every engine they descend from; the most specific token decides.
  struct Browser {
    std::string_view token, product;
  };
  static constexpr Browser kBrowsers[] = {
      {"Edg/", "Edge"},        {"Edge/", "Edge"},         {"OPR/", "Opera"},
      {"Firefox/", "Firefox"}, {"Chromium/", "Chromium"}, {"Chrome/", "Chrome"},
  };
  for (const auto& b : kBrowsers) {
    if (ua.find(b.token) != std::string_view::npos) {
      info.product = b.product;
      info.version = version_after(ua, b.token);
      info.category = "browser";
      break;
    }
  }
  if (info.product.empty()) {
    if (const size_t at = ua.find("MSIE "); at != std::string_view::npos) {
      info.product = "Internet Explorer";
      info.version = version_after(ua, "MSIE ");
      info.category = "browser";
    } else if (ua.find("Trident/") != std::string_view::npos &&
               ua.find("rv:") != std::string_view::npos) {
      info.product = "Internet Explorer";
      info.version = version_after(ua, "rv:");
      info.category = "browser";
    } else if (ua.find("Safari/") != std::string_view::npos &&
               ua.find("Version/") != std::string_view::npos) {
      info.product = "Safari";
      info.version = version_after(ua, "Version/");
      info.category = "browser";
    } else if (ua.starts_with("Opera/")) {
      info.product = "Opera";
      info.version = version_after(ua, "Version/");
      if (info.version.empty()) info.version = version_after(ua, "Opera/");
      info.category = "browser";
    } else {
      // A program: "Name/1.2 (comment)", or a bare name ("Microsoft NCSI").
      std::string_view head = ua.substr(0, std::min(ua.find(" ("), ua.size()));
      const size_t slash = head.find('/');
      if (slash != std::string_view::npos) {
        // "Debian APT-HTTP/1.3": the name may hold spaces; the version ends at the next space.
        info.product = std::string(head.substr(0, slash));
        info.version = version_after(head, "/");
      } else {
        info.product = std::string(head.substr(0, std::min<size_t>(head.size(), 64)));
      }
    }
  }
  if (known) {
    if (const KnownAgent* k = known->find(ua)) {
      info.known = k;
      info.category = k->category;
      if (info.os.empty()) info.os = k->os;
    }
  }
  return info;
}

}  // namespace callhome
