// The typed details of a finding, one struct per kind (detect/details/): what its detector
// measured, in fields other modules read by name and type. The findings document writes them as
// the finding's "attributes" (each struct's to_json); the host profile reads the fields.
#pragma once

#include <nlohmann/json.hpp>

#include <variant>

#include "detect/details/beacon.h"
#include "detect/details/dga.h"
#include "detect/details/dns_tunnel.h"
#include "detect/details/exploit_chain.h"
#include "detect/details/fan_in.h"
#include "detect/details/flood.h"
#include "detect/details/icmp_sweep.h"
#include "detect/details/ids_alert.h"
#include "detect/details/inbound_attack.h"
#include "detect/details/long_session.h"
#include "detect/details/off_hours.h"
#include "detect/details/port_fallback.h"
#include "detect/details/proxy_bypass.h"
#include "detect/details/scan.h"
#include "detect/details/sequential_ports.h"
#include "detect/details/strobe.h"
#include "detect/details/threat_intel.h"
#include "detect/details/tool_signature.h"
#include "detect/details/unresolved_destination.h"
#include "detect/details/vendor_contact.h"
#include "detect/finding_kind.h"

namespace callhome {

// std::monostate: a finding made by hand (tests, documents read back) with no details.
using FindingDetails =
    std::variant<std::monostate, ScanDetails, IcmpSweepDetails, PortFallbackDetails, BeaconDetails,
                 StrobeDetails, ProxyBypassDetails, SequentialPortsDetails, FanInDetails,
                 OffHoursDetails, FloodDetails, IdsAlertDetails, VendorContactDetails,
                 DnsTunnelDetails, DgaDetails, LongSessionDetails, UnresolvedDestinationDetails,
                 ToolSignatureDetails, ExploitChainDetails, InboundAttackDetails,
                 ThreatIntelDetails>;

// Whether `details` is the struct the kind table gives `kind` (or none at all).
bool details_fit(FindingKind kind, const FindingDetails& details);

nlohmann::json to_json(const FindingDetails& details);

}  // namespace callhome
