// Names that packets reveal for the addresses they go to: DNS answers, the Host header of an
// HTTP request, the server name of a TLS ClientHello. Every parser reads only the captured
// bytes it is given and gives up quietly on anything malformed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/events.h"
#include "flow/decoded_packet.h"

namespace callhome {

struct DnsMessage {
  bool response = false;
  uint16_t id = 0;
  uint8_t rcode = 0;
  std::string query;
  uint16_t qtype = 0;
  std::vector<Address> addresses;   // A and AAAA answers
  std::vector<std::string> cnames;  // CNAME targets, in answer order
};

std::optional<DnsMessage> parse_dns(const uint8_t* data, size_t len);
const char* dns_rcode_name(uint8_t rcode);

// The head of an HTTP/1.x request that starts at `data` (only the captured part): views into
// the payload. method and target are empty when the request line is cut or malformed; host and
// user_agent are empty when their header is absent (or beyond the captured bytes).
struct HttpRequestHead {
  std::string_view method, target, host, user_agent;
};
// Nothing unless the payload starts with a known method; reads at most 8 KiB.
std::optional<HttpRequestHead> parse_http_request(const uint8_t* data, size_t len);

// The Host header of an HTTP/1.x request that starts at `data` (only the captured part).
std::optional<std::string> parse_http_host(const uint8_t* data, size_t len);

// The server_name of a TLS ClientHello record that starts at `data`.
std::optional<std::string> parse_tls_sni(const uint8_t* data, size_t len);

class DnsTransactions;

// Looks at one decoded packet's payload and emits the DNS lookup, HTTP Host or TLS server name
// it carries, if any, as events with the packet's provenance. With `dns`, queries to port 53 are
// paired with their responses there (one event per lookup, answered or not); without it only
// responses are reported. A TCP segment that starts an HTTP request (the first of a connection
// or a later one on a kept-alive connection) also yields an HttpEvent with its method, target
// and User-Agent.
void emit_payload_names(const DecodedPacket& p, double ts, Provenance prov, EventSink& sink,
                        DnsTransactions* dns = nullptr);

}  // namespace callhome
