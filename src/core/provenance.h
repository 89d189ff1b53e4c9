// Where a piece of evidence came from: which input, and which packet or line in it.
#pragma once

#include <cstdint>

namespace callhome {

struct Provenance {
  uint32_t input = 0;  // index into the run's list of inputs
  uint64_t ref = 0;    // 1-based packet number (captures) or line number (logs); 0 = none

  friend bool operator==(const Provenance&, const Provenance&) = default;
};

}  // namespace callhome
