#include "report/conn_log_writer.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <ctime>

namespace callhome {
namespace {

std::string zeek_time_stamp() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d-%H-%M-%S", &tm);
  return buf;
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char ch : s) {
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (ch < 0x20 || ch >= 0x7f) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", ch);  // bytes, not code points
        } else {
          out.push_back(char(ch));
        }
    }
  }
  out.push_back('"');
}

// The TSV record is written through a raw cursor into space reserved up front: a record is
// written per connection, and fmt's format-string parsing, then per-character appends, cost as
// much as reading the evidence (perf on iptables logs).
char* put(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

char* put_uint(char* p, uint64_t v) {
  return std::to_chars(p, p + 20, v).ptr;
}

// "%.6f", as Zeek writes time and interval fields; `p` has room for 64 bytes.
char* put_fixed6(char* p, double v) {
  auto r = std::to_chars(p, p + 64, v, std::chars_format::fixed, 6);
  if (r.ec != std::errc()) {  // only above 1e57: keep the line whole regardless
    *p = '-';
    return p + 1;
  }
  return r.ptr;
}

// Zeek's escaping of a string field, or "-" when it is unset; at most 4 bytes per input byte.
char* put_string_field(char* p, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  if (s.empty()) {
    *p = '-';
    return p + 1;
  }
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch >= 0x7f || ch == '\\' || ch == ',') {
      p = put(p, "\\x");
      *p++ = kHex[ch >> 4];
      *p++ = kHex[ch & 15];
    } else {
      *p++ = char(ch);
    }
  }
  return p;
}

// A set[string] field: its elements escaped as strings (a comma inside one becomes \x2c) and
// joined by Zeek's set separator, or "-" when the set is unset or empty.
char* put_set_field(char* p, const std::vector<std::string>& elements) {
  if (elements.empty()) return put_string_field(p, {});
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) *p++ = ',';
    // An empty element has no escaped form of its own; Zeek writes it as the empty field.
    p = elements[i].empty() ? put(p, "(empty)") : put_string_field(p, elements[i]);
  }
  return p;
}

// Bytes put_set_field may write.
size_t set_field_room(const std::vector<std::string>& elements) {
  size_t n = 8;
  for (const auto& e : elements) n += 8 + 4 * e.size();
  return n;
}

}  // namespace

ConnLogWriter::ConnLogWriter(std::FILE* out, Format format, NetworkSet local_nets)
    : out_(out), format_(format), local_(std::move(local_nets)) {
  buf_.reserve(1 << 20);
  if (format_ == Format::tsv) {
    buf_ += "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n";
    buf_ += "#path\tconn\n#open\t" + zeek_time_stamp() + "\n";
    buf_ +=
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t"
        "orig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\t"
        "orig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\tip_proto\n";
    buf_ +=
        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\t"
        "string\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tcount\n";
  }
}

ConnLogWriter::~ConnLogWriter() {
  finish();
}

void ConnLogWriter::flush_buffer() {
  if (!buf_.empty()) std::fwrite(buf_.data(), 1, buf_.size(), out_);
  buf_.clear();
}

void ConnLogWriter::finish() {
  if (finished_) return;
  finished_ = true;
  if (format_ == Format::tsv) buf_ += "#close\t" + zeek_time_stamp() + "\n";
  flush_buffer();
  std::fflush(out_);
}

void ConnLogWriter::on_connection(const Connection& c) {
  auto out = std::back_inserter(buf_);
  const bool local_orig = local_.contains(c.orig_h), local_resp = local_.contains(c.resp_h);
  const char* proto = transport_name(c.ip_proto);
  if (format_ == Format::tsv) {
    // Fixed fields need at most 470 bytes (two 64-byte times, two 45-byte addresses, ten
    // 20-digit counts, names, tabs); escaped strings up to four per byte.
    const size_t most = 512 + 4 * (c.uid.size() + c.service.size() + c.history.size()) +
                        set_field_room(c.tunnel_parents);
    const size_t at = buf_.size();
    buf_.resize(at + most);
    char* const begin = buf_.data() + at;
    char* p = begin;
    const auto tab = [&p] { *p++ = '\t'; };
    p = put_fixed6(p, c.ts);
    tab();
    p = put_string_field(p, c.uid);
    tab();
    p += c.orig_h.format(p);
    tab();
    p = put_uint(p, c.orig_p);
    tab();
    p += c.resp_h.format(p);
    tab();
    p = put_uint(p, c.resp_p);
    tab();
    p = put(p, proto);
    tab();
    p = put_string_field(p, c.service);
    tab();
    p = c.has_duration ? put_fixed6(p, c.duration) : put(p, "-");
    if (c.has_bytes) {
      tab();
      p = put_uint(p, c.orig_bytes);
      tab();
      p = put_uint(p, c.resp_bytes);
    } else {
      p = put(p, "\t-\t-");
    }
    tab();
    p = put(p, to_string(c.state));
    p = put(p, local_orig ? "\tT\t" : "\tF\t");
    p = put(p, local_resp ? "T\t" : "F\t");
    p = put_uint(p, c.missed_bytes);
    tab();
    p = put_string_field(p, c.history);
    if (c.has_counts) {
      for (uint64_t v : {c.orig_pkts, c.orig_ip_bytes, c.resp_pkts, c.resp_ip_bytes}) {
        tab();
        p = put_uint(p, v);
      }
    } else {
      p = put(p, "\t-\t-\t-\t-");
    }
    tab();
    p = put_set_field(p, c.tunnel_parents);
    tab();
    p = put_uint(p, c.ip_proto);
    *p++ = '\n';
    buf_.resize(at + size_t(p - begin));
  } else {
    fmt::format_to(out, "{{\"ts\":{:.6f},\"uid\":", c.ts);
    append_json_string(buf_, c.uid);
    fmt::format_to(out,
                   ",\"id.orig_h\":\"{}\",\"id.orig_p\":{},\"id.resp_h\":\"{}\",\"id.resp_p\":{},"
                   "\"proto\":\"{}\"",
                   c.orig_h.to_string(), c.orig_p, c.resp_h.to_string(), c.resp_p, proto);
    if (!c.service.empty()) {
      buf_ += ",\"service\":";
      append_json_string(buf_, c.service);
    }
    if (c.has_duration) fmt::format_to(out, ",\"duration\":{:.6f}", c.duration);
    if (c.has_bytes) {
      fmt::format_to(out, ",\"orig_bytes\":{},\"resp_bytes\":{}", c.orig_bytes, c.resp_bytes);
    }
    if (c.state != ConnState::none)
      fmt::format_to(out, ",\"conn_state\":\"{}\"", to_string(c.state));
    fmt::format_to(out, ",\"local_orig\":{},\"local_resp\":{},\"missed_bytes\":{}", local_orig,
                   local_resp, c.missed_bytes);
    if (!c.history.empty()) {
      buf_ += ",\"history\":";
      append_json_string(buf_, c.history);
    }
    if (c.has_counts) {
      fmt::format_to(out,
                     ",\"orig_pkts\":{},\"orig_ip_bytes\":{},\"resp_pkts\":{},\"resp_ip_bytes\":{}",
                     c.orig_pkts, c.orig_ip_bytes, c.resp_pkts, c.resp_ip_bytes);
    }
    if (!c.tunnel_parents.empty()) {
      buf_ += ",\"tunnel_parents\":[";
      for (size_t i = 0; i < c.tunnel_parents.size(); ++i) {
        if (i > 0) buf_ += ',';
        append_json_string(buf_, c.tunnel_parents[i]);
      }
      buf_ += ']';
    }
    fmt::format_to(out, ",\"ip_proto\":{}}}\n", c.ip_proto);
  }
  if (buf_.size() > (1 << 20)) flush_buffer();
}

}  // namespace callhome
