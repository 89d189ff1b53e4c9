// Ports that Zeek's analyzers register as server ports in a default (non-bare) configuration.
// Zeek uses them to guess who the originator is when a connection's first packet does not say.
#pragma once

#include <cstdint>

namespace callhome {

bool is_likely_server_port(uint16_t port, uint8_t ip_proto);

}  // namespace callhome
