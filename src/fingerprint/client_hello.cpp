#include "fingerprint/client_hello.h"

#include <openssl/evp.h>

#include <algorithm>

#include <fmt/format.h>

namespace callhome {
namespace {

inline uint16_t be16(const uint8_t* p) {
  return uint16_t(p[0] << 8 | p[1]);
}
inline uint32_t be24(const uint8_t* p) {
  return uint32_t(p[0]) << 16 | uint32_t(p[1]) << 8 | p[2];
}

constexpr uint8_t kHandshake = 0x16, kClientHello = 1;
constexpr size_t kRecordHeader = 5, kHandshakeHeader = 4;
constexpr size_t kMaxHelloBytes = 64 * 1024;

// A bounds-checked reader over one ClientHello body.
struct Reader {
  const uint8_t* p;
  const uint8_t* end;

  size_t left() const { return size_t(end - p); }
  bool u8(uint8_t& v) {
    if (left() < 1) return false;
    v = *p++;
    return true;
  }
  bool u16(uint16_t& v) {
    if (left() < 2) return false;
    v = be16(p);
    p += 2;
    return true;
  }
  bool skip(size_t n) {
    if (left() < n) return false;
    p += n;
    return true;
  }
  // The next `n` bytes as a reader of their own.
  bool sub(size_t n, Reader& out) {
    if (left() < n) return false;
    out = Reader{p, p + n};
    p += n;
    return true;
  }
};

bool u16_list(Reader r, std::vector<uint16_t>& out) {
  if (r.left() % 2) return false;
  while (r.left() >= 2) {
    uint16_t v;
    r.u16(v);
    out.push_back(v);
  }
  return true;
}

bool read_extension(uint16_t type, Reader r, ClientHello& h) {
  Reader list;
  uint16_t n16 = 0;
  uint8_t n8 = 0;
  switch (type) {
    case 0x0000: {  // server_name: list, then (type, name) entries
      h.has_server_name = true;
      if (r.left() == 0) return true;  // a server echoing it back sends it empty
      if (!r.u16(n16) || !r.sub(n16, list)) return false;
      while (list.left() >= 3) {
        uint8_t kind;
        uint16_t len;
        Reader name;
        if (!list.u8(kind) || !list.u16(len) || !list.sub(len, name)) return false;
        if (kind == 0 && h.server_name.empty()) h.server_name.assign(name.p, name.end);
      }
      return true;
    }
    case 0x000a:  // supported_groups
      return r.u16(n16) && r.sub(n16, list) && u16_list(list, h.groups);
    case 0x000b:  // ec_point_formats
      if (!r.u8(n8) || !r.sub(n8, list)) return false;
      h.point_formats.assign(list.p, list.end);
      return true;
    case 0x000d:  // signature_algorithms
      return r.u16(n16) && r.sub(n16, list) && u16_list(list, h.signature_algorithms);
    case 0x0010: {  // ALPN: list of (length, protocol)
      h.has_alpn = true;
      if (!r.u16(n16) || !r.sub(n16, list)) return false;
      Reader first;
      if (list.left() > 0 && list.u8(n8) && list.sub(n8, first)) {
        h.alpn_first.assign(first.p, first.end);
      }
      return true;
    }
    case 0x002b:  // supported_versions (the client's form: a one-byte length)
      return r.u8(n8) && r.sub(n8, list) && u16_list(list, h.supported_versions);
    default:
      return true;
  }
}

bool parse_body(Reader r, ClientHello& h) {
  Reader part;
  uint8_t n8 = 0;
  uint16_t n16 = 0;
  if (!r.u16(h.version) || !r.skip(32)) return false;  // version, random
  if (!r.u8(n8) || !r.skip(n8)) return false;          // session id
  if (!r.u16(n16) || !r.sub(n16, part) || !u16_list(part, h.ciphers)) return false;
  if (!r.u8(n8) || !r.skip(n8)) return false;  // compression methods
  if (r.left() == 0) return true;              // no extensions (SSL 3.0 style)
  Reader exts;
  if (!r.u16(n16) || !r.sub(n16, exts)) return false;
  while (exts.left() > 0) {
    uint16_t type, len;
    Reader data;
    if (!exts.u16(type) || !exts.u16(len) || !exts.sub(len, data)) return false;
    h.extensions.push_back(type);
    if (!read_extension(type, data, h)) return false;
  }
  return true;
}

std::string hex_digest(const EVP_MD* md, std::string_view text) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(text.data(), text.size(), out, &n, md, nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s(size_t(n) * 2, '0');
  for (unsigned i = 0; i < n; ++i) {
    s[2 * i] = kHex[out[i] >> 4];
    s[2 * i + 1] = kHex[out[i] & 15];
  }
  return s;
}

template <typename T>
void append_decimal(std::string& out, const std::vector<T>& values, bool drop_grease) {
  bool first = true;
  for (T v : values) {
    if (drop_grease && is_grease(v)) continue;
    if (!first) out += '-';
    out += std::to_string(v);
    first = false;
  }
}

std::string hex4_list(const std::vector<uint16_t>& values) {
  std::string s;
  for (uint16_t v : values) {
    if (!s.empty()) s += ',';
    s += fmt::format("{:04x}", v);
  }
  return s;
}

std::vector<uint16_t> without_grease(const std::vector<uint16_t>& v) {
  std::vector<uint16_t> out;
  out.reserve(v.size());
  for (uint16_t x : v) {
    if (!is_grease(x)) out.push_back(x);
  }
  return out;
}

std::string truncated_sha256(const std::string& text) {
  return text.empty() ? std::string("000000000000") : hex_digest(EVP_sha256(), text).substr(0, 12);
}

bool alnum(uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// JA4's first section: t, version, d/i, cipher count, extension count, ALPN ends.
std::string ja4_a(const ClientHello& h, size_t ciphers, size_t extensions) {
  uint16_t version = h.version;
  bool found = false;
  for (uint16_t v : h.supported_versions) {
    if (!is_grease(v) && (!found || v > version)) {
      version = v;
      found = true;
    }
  }
  const char* ver = "00";
  switch (version) {
    case 0x0304:
      ver = "13";
      break;
    case 0x0303:
      ver = "12";
      break;
    case 0x0302:
      ver = "11";
      break;
    case 0x0301:
      ver = "10";
      break;
    case 0x0300:
      ver = "s3";
      break;
    case 0x0002:
      ver = "s2";
      break;
    case 0xfeff:
      ver = "d1";
      break;
    case 0xfefd:
      ver = "d2";
      break;
    case 0xfefc:
      ver = "d3";
      break;
    default:
      break;
  }
  std::string alpn = "00";
  if (!h.alpn_first.empty()) {
    const auto* a = reinterpret_cast<const uint8_t*>(h.alpn_first.data());
    const uint8_t first = a[0], last = a[h.alpn_first.size() - 1];
    if (alnum(first) && alnum(last)) {
      alpn = {char(first), char(last)};
    } else {
      // Not alphanumeric: the first and last characters of the value in hex.
      static constexpr char kHex[] = "0123456789abcdef";
      alpn = {kHex[first >> 4], kHex[last & 15]};
    }
  }
  return fmt::format("t{}{}{:02}{:02}{}", ver, h.has_server_name ? 'd' : 'i',
                     std::min<size_t>(ciphers, 99), std::min<size_t>(extensions, 99), alpn);
}

std::string ja4_c(const std::vector<uint16_t>& extensions, const ClientHello& h) {
  if (extensions.empty()) return "000000000000";
  std::string text = hex4_list(extensions);
  const std::vector<uint16_t> sigs = without_grease(h.signature_algorithms);
  if (!sigs.empty()) text += "_" + hex4_list(sigs);
  return truncated_sha256(text);
}

}  // namespace

void ClientHello::clear() {
  version = 0;
  ciphers.clear();
  extensions.clear();
  groups.clear();
  point_formats.clear();
  signature_algorithms.clear();
  supported_versions.clear();
  server_name.clear();
  has_server_name = false;
  alpn_first.clear();
  has_alpn = false;
}

size_t client_hello_bytes_needed(std::span<const uint8_t> d) {
  if (d.size() < kRecordHeader + kHandshakeHeader || d[0] != kHandshake || d[1] != 3 ||
      d[5] != kClientHello) {
    return 0;
  }
  const size_t message = kHandshakeHeader + be24(d.data() + 6);
  if (message > kMaxHelloBytes) return 0;
  // Walk the record headers at hand: the message may continue in further records.
  size_t pos = 0, have = 0;
  while (pos + kRecordHeader <= d.size()) {
    if (d[pos] != kHandshake) return 0;
    const size_t record = be16(d.data() + pos + 3);
    if (record == 0) return 0;
    have += record;
    pos += kRecordHeader + record;
    if (have >= message) return pos;
    if (pos > kMaxHelloBytes) return 0;
  }
  return pos + kRecordHeader;  // at least up to the next record's header
}

bool parse_client_hello(std::span<const uint8_t> data, ClientHello& h,
                        std::vector<uint8_t>& scratch) {
  h.clear();
  if (data.size() < kRecordHeader + kHandshakeHeader || data[0] != kHandshake || data[1] != 3) {
    return false;
  }
  const uint8_t* p = data.data();
  const uint8_t* end = p + data.size();
  size_t record = be16(p + 3);
  if (record > size_t(end - p - kRecordHeader)) return false;
  const uint8_t* msg = p + kRecordHeader;
  if (record < kHandshakeHeader || msg[0] != kClientHello) return false;
  const size_t body = be24(msg + 1);
  if (body + kHandshakeHeader <= record) {
    return parse_body(Reader{msg + kHandshakeHeader, msg + kHandshakeHeader + body}, h);
  }
  // The message spans records: join their fragments (RFC 8446 5.1 allows it).
  if (body > kMaxHelloBytes) return false;
  scratch.assign(msg + kHandshakeHeader, msg + record);
  p = msg + record;
  while (scratch.size() < body) {
    if (size_t(end - p) < kRecordHeader || p[0] != kHandshake) return false;
    record = be16(p + 3);
    if (record == 0 || record > size_t(end - p - kRecordHeader)) return false;
    const size_t take = std::min(record, body - scratch.size());
    scratch.insert(scratch.end(), p + kRecordHeader, p + kRecordHeader + take);
    p += kRecordHeader + record;
  }
  return parse_body(Reader{scratch.data(), scratch.data() + body}, h);
}

std::string ja3_string(const ClientHello& h) {
  std::string s = std::to_string(h.version) + ",";
  append_decimal(s, h.ciphers, true);
  s += ',';
  append_decimal(s, h.extensions, true);
  s += ',';
  append_decimal(s, h.groups, true);
  s += ',';
  append_decimal(s, h.point_formats, false);
  return s;
}

std::string ja3(const ClientHello& h) {
  return hex_digest(EVP_md5(), ja3_string(h));
}

std::string ja4(const ClientHello& h) {
  std::vector<uint16_t> ciphers = without_grease(h.ciphers);
  const std::vector<uint16_t> all_extensions = without_grease(h.extensions);
  std::vector<uint16_t> extensions;
  for (uint16_t e : all_extensions) {
    if (e != 0x0000 && e != 0x0010) extensions.push_back(e);  // SNI and ALPN are in part a
  }
  const std::string a = ja4_a(h, ciphers.size(), all_extensions.size());
  std::sort(ciphers.begin(), ciphers.end());
  std::sort(extensions.begin(), extensions.end());
  return a + "_" + truncated_sha256(hex4_list(ciphers)) + "_" + ja4_c(extensions, h);
}

std::string ja4_original(const ClientHello& h) {
  const std::vector<uint16_t> ciphers = without_grease(h.ciphers);
  const std::vector<uint16_t> extensions = without_grease(h.extensions);
  return ja4_a(h, ciphers.size(), extensions.size()) + "_" + truncated_sha256(hex4_list(ciphers)) +
         "_" + ja4_c(extensions, h);
}

}  // namespace callhome
