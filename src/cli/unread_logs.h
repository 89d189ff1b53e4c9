// Zeek writes a dozen logs per run and callhome reads a few of them. The others are said in one
// line for the whole run ("skipped 7 Zeek logs callhome does not read: dhcp, files, ...") rather
// than a line or two for each file.
#pragma once

#include <set>
#include <string>

#include "core/input_report.h"

namespace callhome {

class UnreadLogs {
 public:
  // Keeps the unread logs of `report`. True when that is all the input held (nothing read,
  // nothing rejected, no other problem): then there is nothing to say of it alone.
  bool add(const InputReport& report);
  // The line to print (without "callhome: "), or empty when every log was read.
  std::string summary() const;
  // The unread logs of one input, for its line in `callhome inputs`: "dhcp", "dhcp, files".
  static std::string names_in(const InputReport& report);

 private:
  size_t count_ = 0;
  std::set<std::string> names_;
};

}  // namespace callhome
