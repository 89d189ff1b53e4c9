#include "detect/detector_set.h"

#include <algorithm>

#include "detect/beacon_detector.h"
#include "detect/dns_channel_detector.h"
#include "detect/exploit_chain_detector.h"
#include "detect/fan_in_detector.h"
#include "detect/flood_detector.h"
#include "detect/icmp_sweep_detector.h"
#include "detect/ids_alert_detector.h"
#include "detect/inbound_attack_detector.h"
#include "detect/known_services.h"
#include "detect/long_session_detector.h"
#include "detect/off_hours_detector.h"
#include "detect/port_fallback_detector.h"
#include "detect/scan_detector.h"
#include "detect/scan_retries.h"
#include "detect/sequential_ports_detector.h"
#include "detect/threat_intel_detector.h"
#include "detect/tool_signature_detector.h"
#include "detect/unresolved_destination_detector.h"
#include "detect/vendor_contact_detector.h"

namespace callhome {

DetectorSet::DetectorSet(const DetectorConfig& config) : lookup_(config.lookup) {
  ScanOptions scan;
  scan.internal = config.internal;
  add(std::make_unique<ScanDetector>(scan));
  // The other side of the scan detector: what outsiders probe on internal hosts.
  InboundAttackOptions inbound;
  inbound.internal = config.internal;
  add(std::make_unique<InboundAttackDetector>(inbound));
  add(std::make_unique<IcmpSweepDetector>(config.internal));
  add(std::make_unique<PortFallbackDetector>(config.internal));
  add(std::make_unique<SequentialPortsDetector>(config.internal));
  FloodOptions flood;
  flood.internal = config.internal;
  add(std::make_unique<FloodDetector>(flood));
  add(std::make_unique<IdsAlertDetector>(config.internal));
  BeaconOptions beacon;
  beacon.internal = config.internal;
  add(std::make_unique<BeaconDetector>(beacon));
  ProxyBypassOptions proxy;
  proxy.internal = config.internal;
  proxy.proxies = config.proxies;
  proxy.lookup = config.lookup;
  add(std::make_unique<ProxyBypassDetector>(proxy));
  FanInOptions fan_in;
  fan_in.internal = config.internal;
  fan_in.lookup = config.lookup;
  add(std::make_unique<FanInDetector>(fan_in));
  OffHoursOptions off_hours;
  off_hours.internal = config.internal;
  off_hours.unattended = config.unattended;
  add(std::make_unique<OffHoursDetector>(off_hours));
  DnsChannelOptions dns;
  dns.internal = config.internal;
  dns.lookup = config.lookup;
  add(std::make_unique<DnsChannelDetector>(dns));
  LongSessionOptions long_session;
  long_session.internal = config.internal;
  long_session.lookup = config.lookup;
  add(std::make_unique<LongSessionDetector>(long_session));
  UnresolvedDestinationOptions unresolved;
  unresolved.internal = config.internal;
  unresolved.lookup = config.lookup;
  add(std::make_unique<UnresolvedDestinationDetector>(unresolved));
  if (config.lookup) add(std::make_unique<VendorContactDetector>(config.internal, *config.lookup));
  if (!config.tools.empty()) {
    add(std::make_unique<ToolSignatureDetector>(
        ToolSignatureOptions{config.internal, config.tools}));
  }
  if (config.lookup) {
    ExploitChainOptions chain;
    chain.internal = config.internal;
    chain.lookup = config.lookup;
    add(std::make_unique<ExploitChainDetector>(chain));
  }
  if (config.intel && !config.intel->empty()) {
    ThreatIntelOptions intel;
    intel.internal = config.internal;
    intel.intel = config.intel;
    add(std::make_unique<ThreatIntelDetector>(intel));
  }
}

void DetectorSet::add(std::unique_ptr<Detector> d) {
  FanOutSink::add(*d);
  detectors_.push_back(std::move(d));
}

std::vector<Finding> DetectorSet::finish() {
  std::vector<Finding> all;
  for (auto& d : detectors_) d->finish(all);
  if (lookup_) explain_known_periodic(all, *lookup_);
  explain_scan_retries(all);
  std::stable_sort(all.begin(), all.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.first_ts != b.first_ts) return a.first_ts < b.first_ts;
    return std::string_view(to_string(a.kind)) < to_string(b.kind);  // by name, as before
  });
  for (size_t i = 0; i < all.size(); ++i) all[i].id = "F" + std::to_string(i + 1);
  return all;
}

}  // namespace callhome
