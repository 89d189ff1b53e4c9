// Suricata EVE JSON: one JSON object per line, read with simdjson.
//   alert -> AlertEvent        flow -> Connection        dns (answers) -> DnsEvent
//   http  -> HttpEvent         tls (with sni) -> NameEvent "tls_sni"
// Other event types (stats, fileinfo, anomaly, netflow ...) are valid records that carry nothing
// callhome uses; a line that is not a JSON object is rejected.
#pragma once

#include <absl/time/time.h>

#include <string_view>

#include "logs/log_reader.h"

namespace callhome {

int sniff_eve(std::string_view head);
void read_eve(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report);

// "2021-06-06T15:59:46.457984+0200" (also "+02:00", "Z", a blank for the T) to UNIX seconds.
// A time without a zone is taken in `local`. Shared by the JSON readers (EVE, Zeek JSON).
bool parse_iso8601(std::string_view text, const absl::TimeZone& local, double& out);

}  // namespace callhome
