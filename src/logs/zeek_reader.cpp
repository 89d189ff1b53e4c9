#include "logs/zeek_reader.h"

#include <simdjson.h>

#include <array>
#include <bitset>
#include <charconv>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "logs/eve_reader.h"  // parse_iso8601

namespace callhome {
namespace {

// The Zeek fields callhome reads. Markers are read only to tell one kind of log from another.
// clang-format off
enum F : uint8_t {
  kTs, kUid, kOrigH, kOrigP, kRespH, kRespP, kProto, kService, kDuration, kOrigBytes,
  kRespBytes, kConnState, kMissedBytes, kHistory, kOrigPkts, kOrigIpBytes, kRespPkts,
  kRespIpBytes, kTunnelParents, kIpProto, kQuery, kQtype, kRcodeName, kAnswers, kTransId,
  kMethod, kHost, kUri, kUserAgent, kStatusCode, kResponseBodyLen, kRespMimeTypes, kServerName,
  kCipher, kFieldCount
};
// clang-format on
enum class T : uint8_t { time, addr, count, interval, string, list, marker };
struct Spec {
  std::string_view name;
  T type;
};
constexpr std::array<Spec, kFieldCount> kSpecs = {{
    {"ts", T::time},
    {"uid", T::string},
    {"id.orig_h", T::addr},
    {"id.orig_p", T::count},
    {"id.resp_h", T::addr},
    {"id.resp_p", T::count},
    {"proto", T::string},
    {"service", T::string},
    {"duration", T::interval},
    {"orig_bytes", T::count},
    {"resp_bytes", T::count},
    {"conn_state", T::string},
    {"missed_bytes", T::count},
    {"history", T::string},
    {"orig_pkts", T::count},
    {"orig_ip_bytes", T::count},
    {"resp_pkts", T::count},
    {"resp_ip_bytes", T::count},
    {"tunnel_parents", T::list},
    {"ip_proto", T::count},
    {"query", T::string},
    {"qtype", T::count},
    {"rcode_name", T::string},
    {"answers", T::list},
    {"trans_id", T::marker},
    {"method", T::string},
    {"host", T::string},
    {"uri", T::string},
    {"user_agent", T::string},
    {"status_code", T::count},
    {"response_body_len", T::count},
    {"resp_mime_types", T::list},
    {"server_name", T::string},
    {"cipher", T::marker},
}};
constexpr uint8_t kIgnored = kFieldCount;  // a column callhome does not read

uint8_t field_of(std::string_view name) {
  for (uint8_t f = 0; f < kFieldCount; ++f) {
    if (kSpecs[f].name == name) return f;
  }
  return kIgnored;
}

enum class Kind : uint8_t { other, conn, dns, http, ssl };

Kind kind_of_path(std::string_view path, bool& known) {
  known = true;
  if (path == "conn") return Kind::conn;
  if (path == "dns") return Kind::dns;
  if (path == "http") return Kind::http;
  if (path == "ssl") return Kind::ssl;
  known = false;
  return Kind::other;
}

// For logs without a path (JSON, cut files) or with an unusual one ("conn_long"): the fields.
Kind kind_of_fields(const std::bitset<kFieldCount>& has) {
  // Only conn.log has these (a zeek-cut file may keep just one of them).
  if (has[kConnState] || has[kHistory] || has[kOrigPkts] || has[kOrigIpBytes]) return Kind::conn;
  if (has[kQuery] && (has[kQtype] || has[kRcodeName] || has[kTransId])) return Kind::dns;
  if (has[kServerName] || has[kCipher]) return Kind::ssl;
  if (has[kMethod] || has[kUri] || has[kStatusCode]) return Kind::http;
  return Kind::other;
}

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Zeek writes separator characters and unprintable bytes as \xHH; other backslashes stay.
std::string_view unescape(std::string_view s, std::string& out) {
  if (s.find("\\x") == std::string_view::npos) return s;
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] == 'x' && hex_value(s[i + 2]) >= 0 &&
        hex_value(s[i + 3]) >= 0) {
      out.push_back(char(hex_value(s[i + 2]) * 16 + hex_value(s[i + 3])));
      i += 3;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

bool parse_number(std::string_view s, double& out) {
  if (s.empty() || !(is_digit(s[0]) || s[0] == '-' || s[0] == '.')) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size() && std::isfinite(out);
}

bool parse_count(std::string_view s, uint64_t& out) {
  if (s.empty() || !is_digit(s[0])) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

std::optional<Address> parse_address(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) return std::nullopt;  // inet_pton stops at NUL
  return Address::parse(s);
}

// One log line's values, typed, whichever syntax they came in.
struct Record {
  std::bitset<kFieldCount> has;
  std::array<double, kFieldCount> number{};  // time, interval
  std::array<uint64_t, kFieldCount> count{};
  std::array<Address, kFieldCount> addr{};
  std::array<std::string_view, kFieldCount> text{};  // strings; the first MIME type
  std::array<std::string, kFieldCount> storage;      // unescaped text lives here
  std::vector<std::string> answers;                  // dns answers, one per element
  size_t answer_count = 0;
  std::vector<std::string> tunnel_parents;  // one uid per element, as the set holds them
  std::string path;                         // JSON "_path"
};

// zeek-cut and btest write a plain header row of field names instead of #fields: lower-case
// names, tab-separated, at least two of them Zeek's, one of them naming a connection.
bool is_zeek_header_row(std::string_view l) {
  size_t known = 0;
  bool conn_id = false;
  for (;;) {
    const size_t cut = l.find('\t');
    const std::string_view name = l.substr(0, cut);
    if (name.empty()) return false;
    for (char c : name) {
      if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '.')) return false;
    }
    const uint8_t f = field_of(name);
    if (f != kIgnored) ++known;
    conn_id |= f == kUid || f == kOrigH || f == kRespH || f == kConnState || f == kHistory;
    if (cut == std::string_view::npos) break;
    l.remove_prefix(cut + 1);
  }
  return known >= 2 && conn_id;
}

class ZeekReader {
 public:
  ZeekReader(const ReadContext& ctx, EventSink& sink, InputReport& report)
      : ctx_(ctx), sink_(sink), report_(report) {
    name_.source = "tls_sni";
  }

  void line(std::string_view l, uint64_t number, uint64_t offset) {
    const size_t first = l.find_first_not_of(" \t");
    if (first == std::string_view::npos) return;
    // A stray blank before a directive (seen in real files) does not make it a data line.
    if (l[first] == '#') return directive(l.substr(first));
    why_.clear();
    prov_ = {ctx_.input_index, number};
    if (l[first] == '{') {
      json_line(l.substr(first));
    } else {
      tsv_line(l);
    }
    if (!why_.empty()) report_.reject(number, offset, why_);
  }

  void finish() {
    if (json_other_ == 0) return;
    if (json_other_paths_.empty()) json_other_paths_.emplace_back();  // no "_path" said which
    for (auto& p : json_other_paths_) report_.unread_zeek_logs.push_back(std::move(p));
    if (report_.records > 0) {  // mixed with logs that were read: say how much was left out
      report_.note(0, 0,
                   std::to_string(json_other_) +
                       " JSON records of Zeek logs callhome does not read were skipped");
    }
  }

 private:
  // ---- TSV -------------------------------------------------------------------------------

  void directive(std::string_view l) {
    if (l.starts_with("#separator ")) {
      std::string tmp;
      const std::string_view sep = unescape(l.substr(11), tmp);
      if (!sep.empty()) sep_ = sep[0];
      return;
    }
    const size_t cut = l.find(sep_);
    const std::string_view name = l.substr(0, cut);
    const std::string_view value = cut == std::string_view::npos ? "" : l.substr(cut + 1);
    if (name == "#set_separator") {
      std::string tmp;
      const std::string_view s = unescape(value, tmp);
      if (!s.empty()) set_sep_ = s[0];
    } else if (name == "#empty_field") {
      empty_.assign(value);
    } else if (name == "#unset_field") {
      unset_.assign(value);
    } else if (name == "#path") {
      path_.assign(value);
      header_changed_ = true;
    } else if (name == "#fields") {
      set_columns(value);
    }
  }

  void set_columns(std::string_view names) {
    columns_.clear();
    for (;;) {
      const size_t cut = names.find(sep_);
      columns_.push_back(field_of(names.substr(0, cut)));
      if (cut == std::string_view::npos) break;
      names.remove_prefix(cut + 1);
    }
    header_changed_ = true;
  }

  void settle_header() {
    header_changed_ = false;
    std::bitset<kFieldCount> has;
    for (uint8_t f : columns_) {
      if (f != kIgnored) has.set(f);
    }
    bool known = false;
    tsv_kind_ = kind_of_path(path_, known);
    if (!known) tsv_kind_ = kind_of_fields(has);
    if (tsv_kind_ == Kind::other) report_.unread_zeek_logs.push_back(path_);
  }

  void tsv_line(std::string_view l) {
    if (columns_.empty()) {
      if (is_zeek_header_row(l)) {
        sep_ = '\t';
        return set_columns(l);
      }
      why_ = "data before any #fields header";
      return;
    }
    if (header_changed_) settle_header();
    if (tsv_kind_ == Kind::other) return;
    rec_.has.reset();
    rec_.answer_count = 0;
    rec_.tunnel_parents.clear();
    size_t column = 0;
    for (;;) {
      const size_t cut = l.find(sep_);
      if (column < columns_.size() && columns_[column] != kIgnored) {
        tsv_value(columns_[column], l.substr(0, cut));
        if (!why_.empty()) return;
      }
      ++column;
      if (cut == std::string_view::npos) break;
      l.remove_prefix(cut + 1);
    }
    if (column != columns_.size()) {
      why_ = std::to_string(column) + " columns where #fields names " +
             std::to_string(columns_.size());
      return;
    }
    emit(tsv_kind_);
  }

  void tsv_value(uint8_t f, std::string_view raw) {
    if (raw == unset_) return;
    const T type = kSpecs[f].type;
    const bool empty = raw == empty_;
    if (type == T::list) {
      rec_.has.set(f);
      rec_.text[f] = {};
      if (empty) return;
      for (;;) {  // elements are split before unescaping: a separator inside one is \x2c
        const size_t cut = raw.find(set_sep_);
        add_list_element(f, raw.substr(0, cut));
        if (cut == std::string_view::npos) break;
        raw.remove_prefix(cut + 1);
      }
      return;
    }
    if (type == T::string || type == T::marker) {
      rec_.has.set(f);
      rec_.text[f] = empty ? std::string_view() : unescape(raw, rec_.storage[f]);
      return;
    }
    if (!convert_text(f, raw)) bad_value(f);
  }

  // Numbers and addresses given as text (TSV, or strings in JSON).
  bool convert_text(uint8_t f, std::string_view s) {
    switch (kSpecs[f].type) {
      case T::time:
      case T::interval:
        if (!parse_number(s, rec_.number[f])) {
          if (kSpecs[f].type != T::time || !parse_iso8601(s, absl::UTCTimeZone(), rec_.number[f])) {
            return false;
          }
        }
        break;
      case T::count:
        if (!parse_count(s, rec_.count[f])) return false;
        break;
      case T::addr: {
        auto a = parse_address(s);
        if (!a) return false;
        rec_.addr[f] = *a;
        break;
      }
      default:
        break;
    }
    rec_.has.set(f);
    return true;
  }

  void bad_value(uint8_t f) {
    static constexpr const char* kTypeNames[] = {"a time",   "an address", "a count", "an interval",
                                                 "a string", "a list",     "a value"};
    why_ = std::string(kSpecs[f].name) + " is not " + kTypeNames[size_t(kSpecs[f].type)];
  }

  // One element of a list field: the first MIME type, one more DNS answer or tunnel parent.
  void add_list_element(uint8_t f, std::string_view element) {
    if (f == kTunnelParents) {
      std::string tmp;
      rec_.tunnel_parents.emplace_back(unescape(element, tmp));
    } else if (f == kRespMimeTypes) {
      if (rec_.text[f].empty()) rec_.text[f] = unescape(element, rec_.storage[f]);
    } else if (f == kAnswers) {
      if (rec_.answers.size() <= rec_.answer_count) rec_.answers.emplace_back();
      std::string& out = rec_.answers[rec_.answer_count++];
      if (element.find("\\x") == std::string_view::npos) {
        out.assign(element);
      } else {
        std::string tmp;
        out.assign(unescape(element, tmp));
      }
    }
  }

  // ---- JSON ------------------------------------------------------------------------------

  void json_line(std::string_view l) {
    if (buf_.size() < l.size() + simdjson::SIMDJSON_PADDING) {
      buf_.resize(l.size() + simdjson::SIMDJSON_PADDING);
    }
    std::memcpy(buf_.data(), l.data(), l.size());
    simdjson::dom::element doc;
    if (auto error = parser_.parse(buf_.data(), l.size(), false).get(doc)) {
      why_ = std::string("not JSON: ") + simdjson::error_message(error);
      return;
    }
    simdjson::dom::object obj;
    if (doc.get_object().get(obj)) {
      why_ = "not a JSON object";
      return;
    }
    rec_.has.reset();
    rec_.answer_count = 0;
    rec_.tunnel_parents.clear();
    rec_.path.clear();
    for (auto field : obj) {
      if (field.key == "_path") {
        std::string_view p;
        if (!field.value.get_string().get(p)) rec_.path.assign(p);
      } else if (field.key == "id" && field.value.is_object()) {  // nested conn id
        for (auto id : simdjson::dom::object(field.value)) {
          std::string name = "id.";
          name += id.key;
          json_value(field_of(name), id.value);
        }
      } else {
        json_value(field_of(field.key), field.value);
      }
      if (!why_.empty()) return;
    }
    bool known = false;
    Kind kind = rec_.path.empty() ? Kind::other : kind_of_path(rec_.path, known);
    if (!known) kind = kind_of_fields(rec_.has);
    if (kind == Kind::other) {
      ++json_other_;
      const bool named = !rec_.path.empty() && json_other_paths_.size() < kMaxOtherPaths;
      if (named && std::find(json_other_paths_.begin(), json_other_paths_.end(), rec_.path) ==
                       json_other_paths_.end()) {
        json_other_paths_.push_back(rec_.path);
      }
      return;
    }
    emit(kind);
  }

  void json_value(uint8_t f, simdjson::dom::element v) {
    if (f == kIgnored || v.is_null()) return;
    const T type = kSpecs[f].type;
    std::string_view s;
    const bool is_string = !v.get_string().get(s);
    switch (type) {
      case T::marker:
        rec_.has.set(f);
        return;
      case T::string:
        if (is_string) {
          rec_.has.set(f);
          rec_.text[f] = unescape(s, rec_.storage[f]);
        }
        return;
      case T::list:
        rec_.has.set(f);
        rec_.text[f] = {};
        if (is_string) {
          add_list_element(f, s);  // a lone string: a set of one
        } else if (v.is_array()) {
          for (auto e : simdjson::dom::array(v)) {
            std::string_view item;
            if (!e.get_string().get(item)) add_list_element(f, item);
          }
        }
        return;
      default:
        break;
    }
    if (is_string) {
      if (!convert_text(f, s)) bad_value(f);
      return;
    }
    bool ok = false;
    if (type == T::time || type == T::interval) {
      ok = !v.get_double().get(rec_.number[f]) && std::isfinite(rec_.number[f]);
    } else if (type == T::count) {
      ok = !v.get_uint64().get(rec_.count[f]);
    }
    if (ok) {
      rec_.has.set(f);
    } else {
      bad_value(f);
    }
  }

  // ---- events ----------------------------------------------------------------------------

  bool require(std::initializer_list<F> fields) {
    for (F f : fields) {
      if (!rec_.has[f]) {
        why_ = std::string("no ") + std::string(kSpecs[f].name);
        return false;
      }
    }
    return true;
  }

  void emit(Kind kind) {
    if (!require({kTs, kOrigH, kRespH})) return;
    const Record& r = rec_;
    const double ts = r.number[kTs];
    if (!std::isfinite(ts)) {
      why_ = "ts is not a finite number";
      return;
    }
    switch (kind) {
      case Kind::conn:
        emit_conn();
        break;
      case Kind::dns:
        emit_dns();
        break;
      case Kind::http:
        emit_http();
        break;
      case Kind::ssl:
        emit_ssl();
        break;
      case Kind::other:
        return;
    }
    ++report_.records;
    report_.saw_time(ts);
  }

  uint16_t port(F f) const { return rec_.has[f] ? uint16_t(rec_.count[f]) : 0; }
  std::string_view text(F f) const { return rec_.has[f] ? rec_.text[f] : std::string_view(); }
  uint64_t count(F f) const { return rec_.has[f] ? rec_.count[f] : 0; }

  void emit_conn() {
    const Record& r = rec_;
    Connection& c = conn_;
    c.ts = r.number[kTs];
    c.orig_h = r.addr[kOrigH];
    c.resp_h = r.addr[kRespH];
    c.orig_p = port(kOrigP);
    c.resp_p = port(kRespP);
    const std::string_view proto = text(kProto);
    c.ip_proto = proto == "tcp" ? kProtoTcp : proto == "udp" ? kProtoUdp : 0;
    if (proto == "icmp") c.ip_proto = c.orig_h.is_v4() ? kProtoIcmp : kProtoIcmp6;
    if (r.has[kIpProto] && r.count[kIpProto] <= 255) c.ip_proto = uint8_t(r.count[kIpProto]);
    c.uid.assign(text(kUid));
    c.service.assign(text(kService));
    c.history.assign(text(kHistory));
    c.tunnel_parents = rec_.tunnel_parents;
    c.has_duration = r.has[kDuration] && r.number[kDuration] >= 0;  // Zeek never logs less
    c.duration = c.has_duration ? r.number[kDuration] : 0;
    c.has_bytes = r.has[kOrigBytes] || r.has[kRespBytes];
    c.orig_bytes = count(kOrigBytes);
    c.resp_bytes = count(kRespBytes);
    c.missed_bytes = count(kMissedBytes);
    c.has_counts = r.has[kOrigPkts] || r.has[kRespPkts];
    c.orig_pkts = count(kOrigPkts);
    c.orig_ip_bytes = count(kOrigIpBytes);
    c.resp_pkts = count(kRespPkts);
    c.resp_ip_bytes = count(kRespIpBytes);
    c.state = conn_state_from_string(text(kConnState));
    c.action = Action::unknown;  // Zeek sees traffic, not policy: even REJ is the peer's answer
    c.first = c.last = prov_;
    sink_.on_connection(c);
  }

  void emit_dns() {
    const Record& r = rec_;
    if (text(kQuery).empty()) return;  // a record, but no lookup to report
    DnsEvent& ev = dns_;
    ev.ts = r.number[kTs];
    ev.client = r.addr[kOrigH];
    ev.server = r.addr[kRespH];
    ev.query = text(kQuery);
    ev.qtype = uint16_t(count(kQtype));
    ev.rcode = text(kRcodeName);
    ev.addresses.clear();
    ev.cnames.clear();
    for (size_t i = 0; i < r.answer_count; ++i) {
      const std::string& a = r.answers[i];
      if (auto addr = parse_address(a)) {
        ev.addresses.push_back(*addr);
      } else {
        ev.cnames.push_back(a);  // CNAME targets, PTR names, TXT ...: everything not an address
      }
    }
    ev.prov = prov_;
    sink_.on_dns(ev);
  }

  void emit_http() {
    const Record& r = rec_;
    HttpEvent& ev = http_;
    ev.ts = r.number[kTs];
    ev.client = r.addr[kOrigH];
    ev.server = r.addr[kRespH];
    ev.server_port = port(kRespP);
    ev.method = text(kMethod);  // CONNECT: the client spoke to a proxy; kept as is
    ev.url = text(kUri);
    ev.host = text(kHost);
    ev.user_agent = text(kUserAgent);
    ev.content_type = text(kRespMimeTypes);
    ev.status = int(count(kStatusCode) & 0xffff);
    ev.bytes = count(kResponseBodyLen);
    ev.via_proxy = false;
    ev.prov = prov_;
    sink_.on_http(ev);
  }

  void emit_ssl() {
    const Record& r = rec_;
    if (text(kServerName).empty()) return;  // a record, but no name to report
    NameEvent& ev = name_;
    ev.ts = r.number[kTs];
    ev.client = r.addr[kOrigH];
    ev.server = r.addr[kRespH];
    ev.server_port = port(kRespP);
    ev.name = text(kServerName);
    ev.prov = prov_;
    sink_.on_name(ev);
  }

  const ReadContext& ctx_;
  EventSink& sink_;
  InputReport& report_;
  Provenance prov_;
  std::string why_;  // empty while the line is good

  // TSV header state; a new header block (concatenated logs) replaces it.
  char sep_ = '\t', set_sep_ = ',';
  std::string unset_ = "-", empty_ = "(empty)", path_;
  std::vector<uint8_t> columns_;  // field per column, kIgnored for the rest
  bool header_changed_ = false;
  Kind tsv_kind_ = Kind::other;

  simdjson::dom::parser parser_;
  std::vector<char> buf_;
  uint64_t json_other_ = 0;
  static constexpr size_t kMaxOtherPaths = 32;
  std::vector<std::string> json_other_paths_;  // their "_path"s, each once

  Record rec_;  // reused, like the events below, so that strings keep their capacity
  Connection conn_;
  DnsEvent dns_;
  HttpEvent http_;
  NameEvent name_;
};

bool looks_zeek_json(std::string_view line) {
  if (!line.starts_with('{') || line.find("\"ts\"") == std::string_view::npos ||
      line.find("\"event_type\"") != std::string_view::npos) {
    return false;
  }
  static constexpr std::string_view kKeys[] = {
      "\"id.orig_h\"", "\"id\":{", "\"id\": {", "\"uid\"", "\"uids\"", "\"fuid\"", "\"_path\"",
      // logs without a connection id, known by a field name Zeek writes there
      "\"software_type\"", "\"certificate.", "\"note\"", "\"src_mac\"", "\"machine\"",
      "\"filter\""};
  for (std::string_view key : kKeys) {
    if (line.find(key) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

int sniff_zeek(std::string_view head) {
  size_t considered = 0, json = 0;
  bool separator = false, fields = false, first_row = true, header_row = false;
  while (!head.empty() && considered < 20) {
    const size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    head.remove_prefix(nl == std::string_view::npos ? head.size() : nl + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) continue;
    line.remove_prefix(start);
    if (line.starts_with("#separator ")) separator = true;
    if (line.starts_with("#fields")) fields = true;
    if (line[0] == '#') continue;
    ++considered;
    if (looks_zeek_json(line)) ++json;
    if (first_row) header_row = is_zeek_header_row(line);
    first_row = false;
  }
  if (separator && fields) return 95;
  if (separator) return 70;
  if (json > 0) {
    if (json == considered) return considered >= 3 ? 95 : 85;
    const double ratio = double(json) / double(considered);
    return ratio >= 0.5 ? int(ratio * 90) : int(ratio * 40);
  }
  // Above a generic delimited-table reader: these names are Zeek's own.
  return header_row ? 80 : 0;
}

void read_zeek(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report) {
  ZeekReader reader(ctx, sink, report);
  std::string_view line;
  while (lines.next(line)) {
    if (lines.overlong()) {
      report.reject(lines.line_number(), lines.line_offset(), "line too long");
      continue;
    }
    reader.line(line, lines.line_number(), lines.line_offset());
  }
  reader.finish();
}

}  // namespace callhome
