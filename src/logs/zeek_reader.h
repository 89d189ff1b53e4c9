// Zeek logs, as TSV (the #separator/#fields header Zeek writes, or a zeek-cut style header row)
// or as JSON lines (flat "id.orig_h" keys or a nested "id" object). The kind of log comes from
// #path (or a JSON record's "_path"), else from the fields present:
//   conn -> Connection      dns -> DnsEvent      http -> HttpEvent      ssl -> NameEvent "tls_sni"
// Other Zeek logs (files, x509, weird ...) are recognised and skipped without rejects.
#pragma once

#include <string_view>

#include "logs/log_reader.h"

namespace callhome {

int sniff_zeek(std::string_view head);
void read_zeek(LineReader& lines, const ReadContext& ctx, EventSink& sink, InputReport& report);

}  // namespace callhome
