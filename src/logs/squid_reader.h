// Squid access.log: the native format ("time elapsed client code/status bytes method URL ident
// hierarchy/peer type") and the common/combined formats Squid can also write.
#pragma once

#include <string_view>

#include "logs/log_reader.h"

namespace callhome {

int sniff_squid(std::string_view head);
void read_squid(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report);

}  // namespace callhome
