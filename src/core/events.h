// The normalised events every reader emits, whatever the format. Detectors and enrichment see
// only these; they never know which file format an event came from.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/connection.h"
#include "core/provenance.h"

namespace callhome {

// A web request seen by a proxy (Squid), by Zeek's http.log or in a capture. The text fields
// are views into the reader's line, valid only during the call to EventSink::on_http: a consumer
// that keeps one copies it. Proxies log a line per request, and copying seven strings a line was
// a sixth of reading a Squid log.
struct HttpEvent {
  double ts = 0;
  Address client;
  Address server;            // the address contacted, when the log names it (unspecified if not)
  uint16_t server_port = 0;  // 0 when unknown
  std::string_view method;   // GET, POST, CONNECT ...
  std::string_view url;      // as logged (absolute for proxies, path for http.log)
  // The host name the request was for. Empty for requests read from a capture: there the Host
  // header travels as the NameEvent (http_host) of the same packet, so that consumers of both
  // do not count one request twice.
  std::string_view host;
  std::string_view user_agent;
  std::string_view result;     // proxy result code (TCP_MISS, TCP_DENIED ...) or empty
  std::string_view hierarchy;  // Squid hierarchy code and peer (DIRECT/host) or empty
  std::string_view content_type;
  int status = 0;          // HTTP status, 0 when unknown
  uint64_t bytes = 0;      // bytes returned to the client
  double elapsed = 0;      // seconds the request took, when logged
  bool via_proxy = false;  // true when this record came from the site proxy's own log
  Action action = Action::unknown;
  Provenance prov;
};

// One DNS query and what it resolved to (answers may be empty: NXDOMAIN, no reply).
struct DnsEvent {
  double ts = 0;
  Address client;
  Address server;
  std::string query;
  uint16_t qtype = 0;
  std::string rcode;                // NOERROR, NXDOMAIN ... or empty when unknown
  std::vector<Address> addresses;   // A/AAAA answers
  std::vector<std::string> cnames;  // CNAME chain, in answer order
  Provenance prov;
};

// A name seen for a server other than through DNS: TLS SNI, HTTP Host, a certificate.
struct NameEvent {
  double ts = 0;
  Address client;
  Address server;
  uint16_t server_port = 0;
  std::string name;
  std::string source;  // "tls_sni", "http_host", "x509" ...
  Provenance prov;
};

// An IDS alert (Snort, Suricata).
struct AlertEvent {
  double ts = 0;
  Address src, dst;
  uint16_t src_port = 0, dst_port = 0;
  uint8_t ip_proto = 0;
  uint32_t gid = 1, sid = 0, rev = 0;
  std::string signature;
  std::string classification;
  int priority = 0;  // 1 = highest; 0 = not given
  Action action = Action::unknown;
  Provenance prov;
};

// The bytes of a packet that tell which software sent it, for fingerprinting: a TCP SYN or
// SYN+ACK (its IP and TCP headers: TTL, window, options), a TLS ClientHello (its handshake
// records, joined when they span segments), an ICMP or ICMPv6 echo request (its data). Only
// captures carry these. The spans point into the reader's buffers and are valid only during the
// call to EventSink::on_packet_sample; a consumer parses what it needs there and then.
struct PacketSampleEvent {
  enum class Kind : uint8_t { tcp_syn, tcp_syn_ack, tls_client_hello, icmp_echo_request };
  Kind kind = Kind::tcp_syn;
  double ts = 0;
  Address src, dst;
  uint16_t src_port = 0, dst_port = 0;  // TCP ports (0 for ICMP)
  std::span<const uint8_t> ip_header;   // with options (IPv6: the fixed and extension headers)
  std::span<const uint8_t> transport;   // the TCP header with options, or the 8-byte ICMP header
  std::span<const uint8_t> payload;     // as captured: SYN data, the TLS records, the echo data
  uint32_t payload_len = 0;             // the payload's length on the wire
  Provenance prov;
};

// Readers push events here. Connection records arrive as they complete, so they are ordered by
// end time within one input, not by start time; consumers that need start order sort themselves.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_connection(const Connection&) {}
  virtual void on_http(const HttpEvent&) {}
  virtual void on_dns(const DnsEvent&) {}
  virtual void on_name(const NameEvent&) {}
  virtual void on_alert(const AlertEvent&) {}
  virtual void on_packet_sample(const PacketSampleEvent&) {}
};

}  // namespace callhome
