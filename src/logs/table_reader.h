// Connection tables with a header row, as administrators export them from firewall consoles
// and spreadsheets: CSV (RFC 4180 quoting, fields may span lines), TSV, ';'-separated, and
// '|'-separated Markdown-style tables such as the Case 2 export:
//   | Date | Time | Protocol | Source IP | Source Port | Destination IP | Destination Port |
//   |---|---|---|---|---|---|---|
//   | 17-Nov-06 | 13:12:50 | TCP | 192.168.0.13 | 2499 | 72.246.53.81 | 80 (HTTP) |
// Columns are recognised by meaning, whatever their case and punctuation ("Source IP",
// src_ip, SrcAddr, "source address"; sport, "Source Port"; proto; action/disposition/result;
// date, time, timestamp/datetime/epoch; Argus's StartTime, Dur, SrcBytes/TotBytes,
// SrcPkts/TotPkts). A header needs at least a source and a destination address column.
// Dates: 2006-11-17, 2006/11/17, 17-Nov-06, 17 Nov 2006, Nov 17 2006, 11/17/2006 and
// 17/11/2006 (day/month when the file shows a day above 12; month/day when it shows a second
// field above 12; rows that cannot tell wait until the file does, and default to month/day),
// 17.11.2006, epoch seconds or milliseconds, with times "13:12:50[.fff]" and "1:12:50 PM".
// Times without a zone are local (the site zone). One row becomes one Connection; rows of
// non-IP protocols (Argus arp, llc, man ...) are skipped and counted in a note.
#pragma once

#include <string_view>

#include "logs/log_reader.h"

namespace callhome {

int sniff_table(std::string_view head);
void read_table(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report);

}  // namespace callhome
