// The firewall readers as one list, for tests that check which sniffer wins on a sample.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "logs/asa_reader.h"
#include "logs/filterlog_reader.h"
#include "logs/iptables_reader.h"
#include "logs/log_reader.h"
#include "logs/table_reader.h"
#include "logs/winfw_reader.h"

namespace callhome::fwtest {

struct Reader {
  const char* name;
  SniffFn sniff;
  ReadFn read;
};

inline const std::vector<Reader>& firewall_readers() {
  static const std::vector<Reader> readers = {
      {"iptables", sniff_iptables, read_iptables},
      {"filterlog", sniff_filterlog, read_filterlog},
      {"asa", sniff_asa, read_asa},
      {"winfw", sniff_winfw, read_winfw},
      {"table", sniff_table, read_table},
  };
  return readers;
}

struct Verdict {
  std::string winner;  // empty when every sniffer said 0
  int best = 0;
  int second = 0;  // the best score among the others
  std::string scores;
};

// Runs every sniffer on the head of `text` (64 KiB cut at a line end, as the CLI does).
inline Verdict sniff_all(std::string_view text) {
  std::string_view head = text.substr(0, 64 * 1024);
  if (head.size() < text.size()) {
    const size_t nl = head.rfind('\n');
    if (nl != std::string_view::npos) head = head.substr(0, nl + 1);
  }
  Verdict v;
  for (const auto& r : firewall_readers()) {
    const int s = r.sniff(head);
    v.scores += std::string(r.name) + "=" + std::to_string(s) + " ";
    if (s > v.best) {
      v.second = v.best;
      v.best = s;
      v.winner = r.name;
    } else if (s > v.second) {
      v.second = s;
    }
  }
  return v;
}

inline const Reader* reader_named(std::string_view name) {
  for (const auto& r : firewall_readers()) {
    if (name == r.name) return &r;
  }
  return nullptr;
}

}  // namespace callhome::fwtest
