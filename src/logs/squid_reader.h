// Squid access.log: the native format ("time elapsed client code/status bytes method URL ident
// hierarchy/peer type") and the common/combined formats Squid can also write.
#pragma once

#include <string_view>

#include "logs/log_reader.h"

namespace callhome {

int sniff_squid(std::string_view head);
void read_squid(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report);

// The host a request is for: from an absolute URL, or a CONNECT target "host:port".
std::string_view url_host(std::string_view url);

}  // namespace callhome
