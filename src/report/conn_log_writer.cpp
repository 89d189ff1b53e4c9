#include "report/conn_log_writer.h"

#include <fmt/format.h>

#include <charconv>
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

// Hand-formatted numbers and addresses: a record is written per connection, and fmt's format
// string parsing cost as much as reading the evidence (measured with perf on iptables logs).
void append_uint(std::string& out, uint64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// "%.6f", as Zeek writes time and interval fields.
void append_fixed6(std::string& out, double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 6);
  if (r.ec != std::errc()) {  // cannot happen below 1e57; keep the line whole regardless
    out += '-';
    return;
  }
  out.append(buf, r.ptr);
}

void append_address(std::string& out, const Address& a) {
  char buf[Address::kMaxText];
  out.append(buf, a.format(buf));
}

}  // namespace

void append_zeek_escaped(std::string& out, std::string_view s) {
  if (s.empty()) {
    out += "(empty)";
    return;
  }
  for (unsigned char ch : s) {
    if (ch < 0x20 || ch >= 0x7f || ch == '\\' || ch == ',') {
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", ch);
    } else {
      out.push_back(char(ch));
    }
  }
}

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
    const auto tab = [&] { buf_ += '\t'; };
    const auto field_or_unset = [&](std::string_view s) {
      tab();
      if (s.empty()) {
        buf_ += '-';
      } else {
        append_zeek_escaped(buf_, s);
      }
    };
    append_fixed6(buf_, c.ts);
    tab();
    buf_ += c.uid;
    tab();
    append_address(buf_, c.orig_h);
    tab();
    append_uint(buf_, c.orig_p);
    tab();
    append_address(buf_, c.resp_h);
    tab();
    append_uint(buf_, c.resp_p);
    tab();
    buf_ += proto;
    field_or_unset(c.service);
    tab();
    if (c.has_duration) {
      append_fixed6(buf_, c.duration);
    } else {
      buf_ += '-';
    }
    if (c.has_bytes) {
      tab();
      append_uint(buf_, c.orig_bytes);
      tab();
      append_uint(buf_, c.resp_bytes);
    } else {
      buf_ += "\t-\t-";
    }
    tab();
    buf_ += to_string(c.state);
    buf_ += local_orig ? "\tT\t" : "\tF\t";
    buf_ += local_resp ? "T\t" : "F\t";
    append_uint(buf_, c.missed_bytes);
    field_or_unset(c.history);
    if (c.has_counts) {
      for (uint64_t v : {c.orig_pkts, c.orig_ip_bytes, c.resp_pkts, c.resp_ip_bytes}) {
        tab();
        append_uint(buf_, v);
      }
    } else {
      buf_ += "\t-\t-\t-\t-";
    }
    field_or_unset(c.tunnel_parents);
    tab();
    append_uint(buf_, c.ip_proto);
    buf_ += '\n';
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
      append_json_string(buf_, c.tunnel_parents);
      buf_ += ']';
    }
    fmt::format_to(out, ",\"ip_proto\":{}}}\n", c.ip_proto);
  }
  if (buf_.size() > (1 << 20)) flush_buffer();
}

}  // namespace callhome
