// The fields of a TLS ClientHello that fingerprint the client software, and the two fingerprints
// made of them: JA3 (Salesforce: the MD5 of "version,ciphers,extensions,groups,point formats" in
// decimal, GREASE values left out) and JA4 (FoxIO, technical_details/JA4.md: "t13d1516h2_" then
// SHA-256 prefixes of the sorted ciphers and of the sorted extensions with the signature
// algorithms). Only TLS over TCP is read: JA4's "q" (QUIC) and "d" (DTLS) never occur here.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace callhome {

struct ClientHello {
  uint16_t version = 0;                // the legacy client_version (771 = TLS 1.2)
  std::vector<uint16_t> ciphers;       // in order, GREASE included (the fingerprints drop it)
  std::vector<uint16_t> extensions;    // types in order
  std::vector<uint16_t> groups;        // supported_groups (10)
  std::vector<uint8_t> point_formats;  // ec_point_formats (11)
  std::vector<uint16_t> signature_algorithms;  // (13), in order
  std::vector<uint16_t> supported_versions;    // (43)
  std::string server_name;                     // the first host_name of server_name (0)
  bool has_server_name = false;
  std::string alpn_first;  // the first protocol of ALPN (16), raw bytes
  bool has_alpn = false;

  void clear();  // keeps the vectors' capacity: one ClientHello is reused for every handshake
};

// GREASE values (RFC 8701): 0x0a0a, 0x1a1a ... 0xfafa.
inline bool is_grease(uint16_t v) {
  return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

// Reads the ClientHello carried by the TLS handshake record(s) at the start of `records` (a
// handshake message may span several records; `scratch` then holds it joined). False for
// anything else or anything truncated or malformed; never reads outside `records`.
bool parse_client_hello(std::span<const uint8_t> records, ClientHello& out,
                        std::vector<uint8_t>& scratch);

// How many bytes the TLS records that carry the whole ClientHello take, read from the record
// headers in `data` (which may hold only the first segment): exact once every header is at hand,
// else a lower bound (up to the next header). 0 when `data` does not start a ClientHello
// handshake record, or the total is beyond reason (over 64 KiB).
size_t client_hello_bytes_needed(std::span<const uint8_t> data);

std::string ja3_string(const ClientHello& h);
std::string ja3(const ClientHello& h);  // 32 lowercase hex digits
std::string ja4(const ClientHello& h);  // e.g. t13d1516h2_8daaf6152771_e5627efa2ab1
// JA4 with the original order kept (JA4_o in the spec): SNI and ALPN included, nothing sorted.
std::string ja4_original(const ClientHello& h);

}  // namespace callhome
