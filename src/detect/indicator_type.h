// What a threat-intelligence indicator is (detect/intel_list.h reads them).
#pragma once

#include <cstdint>

namespace callhome {

enum class IndicatorType : uint8_t { address, network, address_port, domain };
const char* to_string(IndicatorType t);

}  // namespace callhome
