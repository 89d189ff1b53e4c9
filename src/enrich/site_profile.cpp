#include "enrich/site_profile.h"

#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>

#include "core/regular_file.h"
#include "enrich/zone_name.h"

namespace callhome {
namespace {

constexpr std::array<std::string_view, 5> kTables = {"network", "proxy", "schedule", "inputs",
                                                     "intel"};

struct KnownKeys {
  std::string_view table;
  std::vector<std::string_view> keys;
};
const std::vector<KnownKeys>& known_keys() {
  static const std::vector<KnownKeys> k = {
      {"network", {"internal", "timezone"}},
      {"proxy", {"address", "addresses"}},
      {"schedule", {"business", "idle"}},
      {"inputs", {"blocked"}},
      {"intel", {"lists"}},
  };
  return k;
}

// Plain Levenshtein distance, to offer "did you mean" for misspelt keys (short strings only).
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string_view closest(std::string_view word, const std::vector<std::string_view>& options) {
  std::string_view best;
  size_t best_d = 3;  // more than two edits away is not a typo
  for (auto o : options) {
    size_t d = edit_distance(word, o);
    if (d < best_d) best = o, best_d = d;
  }
  return best;
}

const char* type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a number";
    case toml::node_type::boolean:
      return "a boolean";
    default:
      return "a date/time";
  }
}

// Parses "192.168.1.2:3128", "[2001:db8::1]:3128", or a bare address (any port).
std::optional<ProxyAddress> parse_proxy(std::string_view text) {
  ProxyAddress p;
  p.text = std::string(text);
  std::string_view host = text, port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return std::nullopt;
      port = rest.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    auto colon = text.find(':');
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.empty()) return std::nullopt;
  }
  auto a = Address::parse(host);
  if (!a || host.find('%') != std::string_view::npos) return std::nullopt;
  p.address = *a;
  if (!port.empty()) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
    if (ec != std::errc() || end != port.data() + port.size() || v == 0 || v > 65535) {
      return std::nullopt;
    }
    p.port = uint16_t(v);
  }
  return p;
}

const char* weekday_name(absl::Weekday d) {
  static constexpr const char* kNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  return kNames[int(d)];
}

}  // namespace

// Walks the parsed TOML document and fills a SiteProfile; stops at the first error.
class SiteProfileParser {
 public:
  SiteProfileParser(std::string_view name, SiteProfile& out) : name_(name), out_(out) {}

  std::optional<std::string> run(const toml::table& root) {
    for (auto&& [key, node] : root) {
      std::string_view k = key.str();
      bool known = std::find(kTables.begin(), kTables.end(), k) != kTables.end();
      if (known) {
        if (!node.is_table()) return at(node, "[" + std::string(k) + "] must be a table");
        continue;
      }
      for (const auto& t : known_keys()) {
        if (std::find(t.keys.begin(), t.keys.end(), k) != t.keys.end()) {
          return at(key,
                    "'" + std::string(k) + "' belongs in the [" + std::string(t.table) + "] table");
        }
      }
      std::vector<std::string_view> tables(kTables.begin(), kTables.end());
      if (auto guess = closest(k, tables); !guess.empty()) {
        return at(key, "unknown table [" + std::string(k) + "] (did you mean [" +
                           std::string(guess) + "]?)");
      }
      out_.warnings_.push_back(where(key.source()) + ": ignoring unknown table [" + std::string(k) +
                               "]");
    }
    for (const auto& t : known_keys()) {
      const toml::table* table = root[t.table].as_table();
      if (!table) continue;
      for (auto&& [key, node] : *table) {
        std::string_view k = key.str();
        if (std::find(t.keys.begin(), t.keys.end(), k) != t.keys.end()) continue;
        std::string msg = "unknown key '" + std::string(k) + "' in [" + std::string(t.table) + "]";
        if (auto guess = closest(k, t.keys); !guess.empty()) {
          msg += " (did you mean '" + std::string(guess) + "'?)";
        }
        return at(key, msg + "; known keys: " + join(t.keys));
      }
    }
    if (auto e = network(root["network"].as_table())) return e;
    if (auto e = proxy(root["proxy"].as_table())) return e;
    if (auto e = schedule(root["schedule"].as_table())) return e;
    if (auto e = inputs(root["inputs"].as_table())) return e;
    if (auto e = intel(root["intel"].as_table())) return e;
    return std::nullopt;
  }

 private:
  std::string where(const toml::source_region& r) const {
    return std::string(name_) + ":" + std::to_string(r.begin.line) + ":" +
           std::to_string(r.begin.column);
  }
  template <typename WithSource>
  std::string at(const WithSource& n, const std::string& what) const {
    return where(n.source()) + ": " + what;
  }
  static std::string join(const std::vector<std::string_view>& v) {
    std::string out;
    for (auto s : v) out += (out.empty() ? "" : ", ") + std::string(s);
    return out;
  }

  // A string or an array of strings (a single value is accepted for convenience).
  std::optional<std::string> strings(const toml::node& n, std::string_view what,
                                     std::vector<std::pair<std::string, const toml::node*>>& out) {
    if (auto s = n.as_string()) {
      out.emplace_back(s->get(), &n);
      return std::nullopt;
    }
    const toml::array* a = n.as_array();
    if (!a)
      return at(
          n, std::string(what) + " must be a string or an array of strings, not " + type_name(n));
    for (const toml::node& e : *a) {
      auto s = e.as_string();
      if (!s) return at(e, std::string(what) + " entries must be strings, not " + type_name(e));
      out.emplace_back(s->get(), &e);
    }
    return std::nullopt;
  }

  std::optional<std::string> network(const toml::table* t) {
    if (!t) return std::nullopt;
    if (const toml::node* n = t->get("internal")) {
      std::vector<std::pair<std::string, const toml::node*>> items;
      if (auto e = strings(*n, "[network] internal", items)) return e;
      if (items.empty()) {
        return at(*n,
                  "[network] internal is empty: list the site's networks, e.g. "
                  "[\"192.168.1.0/24\"], or leave the key out for the RFC 1918 defaults");
      }
      NetworkSet set;
      for (const auto& [text, node] : items) {
        auto c = Cidr::parse(text);
        if (!c) return at(*node, "bad network '" + text + "' (expected a CIDR like 10.0.0.0/8)");
        set.add(*c);
      }
      out_.internal_ = std::move(set);
    }
    if (const toml::node* n = t->get("timezone")) {
      auto s = n->as_string();
      if (!s)
        return at(*n, std::string("[network] timezone must be a string, not ") + type_name(*n));
      if (auto problem = zone_name_problem(s->get())) return at(*n, *problem);
      absl::TimeZone tz;
      if (!absl::LoadTimeZone(s->get(), &tz)) {
        return at(*n, "unknown time zone '" + s->get() +
                          "' (expected an IANA name such as America/Chicago; is tzdata "
                          "installed?)");
      }
      out_.tz_ = tz;
      out_.tz_name_ = s->get();
    }
    return std::nullopt;
  }

  std::optional<std::string> proxy(const toml::table* t) {
    if (!t) return std::nullopt;
    for (const char* key : {"address", "addresses"}) {
      const toml::node* n = t->get(key);
      if (!n) continue;
      std::vector<std::pair<std::string, const toml::node*>> items;
      if (auto e = strings(*n, std::string("[proxy] ") + key, items)) return e;
      for (const auto& [text, node] : items) {
        auto p = parse_proxy(text);
        if (!p) {
          return at(*node, "bad proxy address '" + text +
                               "' (expected ip:port, [ipv6]:port or a bare IP address)");
        }
        out_.proxies_.push_back(std::move(*p));
      }
    }
    return std::nullopt;
  }

  std::optional<std::string> schedule(const toml::table* t) {
    if (!t) return std::nullopt;
    for (auto [key, dest] : {std::pair{"business", &out_.business_}, {"idle", &out_.idle_}}) {
      const toml::node* n = t->get(key);
      if (!n) continue;
      std::vector<std::pair<std::string, const toml::node*>> items;
      if (auto e = strings(*n, std::string("[schedule] ") + key, items)) return e;
      for (const auto& [text, node] : items) {
        auto w = ScheduleWindow::parse(text);
        if (!w) return at(*node, "[schedule] " + std::string(key) + ": " + w.error());
        dest->push_back(std::move(*w));
      }
    }
    return std::nullopt;
  }

  // A firewall export of its denies often has no verdict column; the analyst knows what it
  // lists, and says so here by path or glob.
  std::optional<std::string> inputs(const toml::table* t) {
    if (!t) return std::nullopt;
    const toml::node* n = t->get("blocked");
    if (!n) return std::nullopt;
    std::vector<std::pair<std::string, const toml::node*>> items;
    if (auto e = strings(*n, "[inputs] blocked", items)) return e;
    for (const auto& [text, node] : items) {
      if (text.empty() || text.find('\0') != std::string::npos) {
        return at(*node,
                  "[inputs] blocked entries must be non-empty paths or globs, e.g. "
                  "\"firewall-denies.csv\" or \"fw/*.txt\"");
      }
      out_.blocked_inputs_.push_back(text);
    }
    return std::nullopt;
  }

  // Threat-intel lists, by path (relative to the profile: SiteProfile::load resolves them).
  std::optional<std::string> intel(const toml::table* t) {
    if (!t) return std::nullopt;
    const toml::node* n = t->get("lists");
    if (!n) return std::nullopt;
    std::vector<std::pair<std::string, const toml::node*>> items;
    if (auto e = strings(*n, "[intel] lists", items)) return e;
    for (const auto& [text, node] : items) {
      if (text.empty() || text.find('\0') != std::string::npos) {
        return at(*node,
                  "[intel] lists entries must be non-empty paths of threat-intel lists, e.g. "
                  "\"intel/feodo-ipblocklist.txt\"");
      }
      out_.intel_lists_.push_back(text);
    }
    return std::nullopt;
  }

  std::string_view name_;
  SiteProfile& out_;
};

SiteProfile SiteProfile::defaults() {
  return SiteProfile();
}

Result<SiteProfile> SiteProfile::parse(std::string_view toml_text, std::string_view source_name) {
  SiteProfile p;
  p.source_ = std::string(source_name);
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    return Error{std::string(source_name) + ":" + std::to_string(b.line) + ":" +
                 std::to_string(b.column) + ": " + std::string(e.description())};
  }
  SiteProfileParser parser(source_name, p);
  if (auto err = parser.run(root)) return Error{*err};
  return p;
}

Result<SiteProfile> SiteProfile::load(const std::string& path) {
  // Not an ifstream: opening a FIFO with one waits for a writer, for ever.
  std::string why;
  const int fd = open_regular_file(path, &why);
  if (fd < 0) {
    if (why.starts_with("cannot open: ")) why.erase(0, 13);
    return Error{path + ":1:1: cannot open site profile: " + why};
  }
  std::string text;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return Error{path + ":1:1: cannot read site profile: " + std::strerror(err)};
    }
    if (n == 0) break;
    text.append(buf, size_t(n));
  }
  ::close(fd);
  auto profile = parse(text, path);
  if (!profile) return profile;
  // Lists named by a relative path sit beside the profile, wherever callhome is run from.
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  for (auto& list : profile->intel_lists_) {
    if (std::filesystem::path(list).is_relative()) list = (dir / list).lexically_normal().string();
  }
  return profile;
}

bool SiteProfile::is_proxy(const Address& a, uint16_t port) const {
  for (const auto& p : proxies_) {
    if (p.address == a && (p.port == 0 || port == 0 || p.port == port)) return true;
  }
  return false;
}

absl::Time time_from_unix(double unix_ts) {
  // +-1e11 s is beyond year 5000 either way: far enough for any log, safe for int64 micros.
  if (!std::isfinite(unix_ts)) return absl::UnixEpoch();
  double clamped = std::clamp(unix_ts, -1e11, 1e11);
  return absl::FromUnixMicros(int64_t(std::floor(clamped * 1e6)));
}

namespace {

const ScheduleWindow* find_window(const std::vector<ScheduleWindow>& windows,
                                  const absl::TimeZone& tz, double unix_ts) {
  if (windows.empty()) return nullptr;
  // Wall-clock time in the site's zone: a window "08:30-16:30" means local 08:30 whether
  // daylight saving time is in force or not.
  absl::CivilSecond local = absl::ToCivilSecond(time_from_unix(unix_ts), tz);
  absl::Weekday day = absl::GetWeekday(absl::CivilDay(local));
  int minute = local.hour() * 60 + local.minute();
  for (const auto& w : windows) {
    if (w.contains(day, minute)) return &w;
  }
  return nullptr;
}

}  // namespace

const ScheduleWindow* SiteProfile::business_window(double unix_ts) const {
  return find_window(business_, tz_, unix_ts);
}

const ScheduleWindow* SiteProfile::idle_window(double unix_ts) const {
  return find_window(idle_, tz_, unix_ts);
}

std::optional<std::string> SiteProfile::unattended(double unix_ts) const {
  absl::Time t = time_from_unix(unix_ts);
  absl::CivilSecond local = absl::ToCivilSecond(t, tz_);
  std::string when = std::string(weekday_name(absl::GetWeekday(absl::CivilDay(local)))) + " " +
                     absl::FormatTime("%H:%M %Z", t, tz_);
  if (const ScheduleWindow* w = idle_window(unix_ts)) {
    return "idle window " + w->text() + " (" + when + ")";
  }
  if (has_business_hours() && !in_business_hours(unix_ts)) {
    std::string hours;
    for (const auto& b : business_) hours += (hours.empty() ? "" : ", ") + b.text();
    return "outside business hours " + hours + " (" + when + ")";
  }
  return std::nullopt;
}

std::string SiteProfile::local_time_string(double unix_ts) const {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %Z", time_from_unix(unix_ts), tz_);
}

}  // namespace callhome
