// The text-log formats callhome reads, each a sniff/read pair (see log_reader.h).
#pragma once

#include <string_view>
#include <vector>

#include "logs/log_reader.h"

namespace callhome {

struct LogFormat {
  const char* name;  // as shown to users and accepted by --format
  SniffFn sniff;
  ReadFn read;
  bool needs_year = false;  // timestamps without a year (BSD syslog, Snort fast alerts)
};

const std::vector<LogFormat>& log_formats();
const LogFormat* find_log_format(std::string_view name);

}  // namespace callhome
