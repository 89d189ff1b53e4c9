// Snort and Suricata alert files, one AlertEvent per alert:
//   fast (one line):  MM/DD[/YY[YY]]-HH:MM:SS.uuuuuu [action] [**] [gid:sid:rev] msg [**]
//                     [Classification: c] [Priority: n] [AppID: a] {PROTO} src[:port] -> dst[:port]
//     (Snort 3 quotes msg; Suricata writes a four-digit year and may name the protocol by number)
//   full (a block):   [**] [gid:sid:rev] msg [**]
//                     [Classification: c] [Priority: n]
//                     MM/DD-HH:MM:SS.uuuuuu src[:port] -> dst[:port]
//                     TCP TTL:... (the protocol line; packet details follow until a blank line)
// Times are the sensor's local time: ReadContext::tz (UTC when null), ReadContext::year when the
// line has none.
#pragma once

#include <string_view>

#include "logs/log_reader.h"

namespace callhome {

int sniff_snort(std::string_view head);
void read_snort(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report);

}  // namespace callhome
