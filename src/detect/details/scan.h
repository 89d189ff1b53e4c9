// What an outbound scan finding records (and internal_scan): the typed facts its detector fills,
// which the findings document writes as "attributes" and the host profile reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "core/address.h"
#include "detect/probe.h"

namespace callhome {

enum class ScanShape : uint8_t {
  horizontal,  // one port on many hosts
  vertical,    // many ports (or IP protocols) of one host
  block,       // one port on many hosts, which were probed on many ports as well
};
const char* to_string(ScanShape s);

// The sequential hypothesis test's verdict on a sweep (trw_likelihood, scan_detector.h).
enum class TrwVerdict : uint8_t { undecided, scanner, benign };
const char* to_string(TrwVerdict v);

// "tcp", "udp", or "ip" for 0 (a scan of IP protocols), as the document writes "proto".
const char* scan_proto_name(uint8_t proto);

struct ScanDetails {
  ScanShape scan_type = ScanShape::horizontal;
  uint8_t proto = 0;               // kProtoTcp, kProtoUdp, or 0: a vertical scan of IP protocols
  std::optional<uint16_t> port;    // the port swept; none (null) for a vertical scan
  size_t ports = 0;                // distinct ports (or IP protocols) tried on the targets
  size_t targets = 0;              // distinct hosts
  std::optional<size_t> networks;  // distinct /16 networks among the targets (not vertical)
  size_t attempts = 0;
  size_t packets = 0;
  double duration_s = 0;
  // Horizontal and block: targets that answered; vertical: attempts answered.
  size_t answered = 0;
  std::optional<TrwVerdict> trw;       // not for a vertical scan
  std::optional<Address> dst;          // the target of a vertical scan
  std::optional<size_t> protocols;     // a scan of IP protocols: how many
  ProbeKind probe = ProbeKind::none;   // the kind most attempts were
  std::map<ProbeKind, size_t> probes;  // attempts per kind; written when there is more than one
  size_t closed = 0, filtered = 0, unanswered = 0;     // attempts per answer (ProbeAnswer)
  std::optional<std::vector<Address>> sample_targets;  // up to 20 (not for a vertical scan)
  std::optional<size_t> episodes;  // repeats of one scan merged into this finding
};

void to_json(nlohmann::json& out, const ScanDetails& d);

}  // namespace callhome
