// Cisco ASA / PIX / FWSM / FTD syslog messages ("%ASA-4-106023: Deny tcp src outside:...").
//
// Access decisions become one Connection per line (action from the verdict):
//   106001 106006 106007 106010 106014 106015 106023 (denied), 106100 (permitted or denied,
//   with hit-cnt), 710002/710003/710005/710006 (to-the-box access; 710001 "requested" is a
//   debug trace of the same attempt and is skipped), 420002 (IPS drop), 338xxx (botnet
//   traffic filter drops and monitored flows).
// Connection build/teardown pairs (302013/302014 TCP, 302015/302016 UDP, 302020/302021 ICMP)
// become one Connection when the teardown arrives, matched to its Built line by connection id
// (bounded state), which says who originated: "outbound" = the higher-security ("to") side,
// "inbound" = the lower-security ("for") side. It carries the Built line's time, the
// teardown's duration, both lines as provenance, and for TCP the state the teardown reason
// implies ("SYN Timeout" = S0, "TCP FINs" = SF). The teardown's "bytes N" counts both
// directions together; Zeek's fields are per direction, so it is not recorded (see .cpp).
// Built lines never torn down are emitted at the end of the file (or when the state is full).
// 733100 (threat-detection rate) names no connection: noted once in the report, not a record.
// Other message ids are not records and not errors.
#pragma once

#include <string_view>

#include "logs/log_reader.h"

namespace callhome {

int sniff_asa(std::string_view head);
void read_asa(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report);

}  // namespace callhome
