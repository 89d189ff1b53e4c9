#include "logs/registry.h"

#include "logs/asa_reader.h"
#include "logs/eve_reader.h"
#include "logs/filterlog_reader.h"
#include "logs/iptables_reader.h"
#include "logs/snort_reader.h"
#include "logs/squid_reader.h"
#include "logs/table_reader.h"
#include "logs/winfw_reader.h"
#include "logs/zeek_reader.h"

namespace callhome {

const std::vector<LogFormat>& log_formats() {
  // Formats whose timestamps lack a year (BSD syslog wrappers, Snort's fast alerts) say so: the
  // runner then supplies --year or an inferred one.
  static const std::vector<LogFormat> formats = {
      {"zeek", sniff_zeek, read_zeek},
      {"suricata_eve", sniff_eve, read_eve},
      {"squid", sniff_squid, read_squid},
      {"snort_fast", sniff_snort, read_snort, true},
      {"iptables", sniff_iptables, read_iptables, true},
      {"pf_filterlog", sniff_filterlog, read_filterlog, true},
      {"cisco_asa", sniff_asa, read_asa, true},
      {"windows_firewall", sniff_winfw, read_winfw},
      {"table", sniff_table, read_table},
  };
  return formats;
}

const LogFormat* find_log_format(std::string_view name) {
  for (const auto& f : log_formats()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

}  // namespace callhome
