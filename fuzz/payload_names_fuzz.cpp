// Fuzzes the DNS, HTTP Host and TLS SNI parsers that read packet payloads.
#include <cstddef>
#include <cstdint>

#include "flow/payload_names.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (auto d = callhome::parse_dns(data, size)) {
    volatile size_t n = d->query.size() + d->addresses.size() + d->cnames.size();
    (void)n;
  }
  callhome::parse_http_host(data, size);
  callhome::parse_tls_sni(data, size);
  return 0;
}
