// Fuzzes the explanations table reader (TOML via toml++, fact names, severities, action
// templates) and, for tables that load, weighs a few hand-made hosts with them: a table that
// loads must never make the investigation misbehave.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "investigate/explanations.h"
#include "investigate/investigator.h"

namespace {

callhome::Finding finding(callhome::FindingKind kind, const char* host,
                          callhome::FindingDetails details) {
  callhome::Finding f;
  f.id = "F1";
  f.kind = kind;
  f.host = *callhome::Address::parse(host);
  f.severity = callhome::Severity::medium;
  f.details = std::move(details);
  f.summary = to_string(kind);
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto table = callhome::ExplanationTable::parse(text, "fuzz.toml");
  if (!table) return 0;
  callhome::NoDestinationLookup lookup;
  callhome::InvestigationContext ctx(lookup);
  ctx.explanations = &*table;
  ctx.proxy = "10.0.0.2:3128";
  const std::vector<callhome::Finding> findings = {
      finding(callhome::FindingKind::beacon, "10.0.0.5",
              callhome::BeaconDetails{.dst = "198.51.100.7", .score = 0.95, .ports = {4444}}),
      finding(callhome::FindingKind::outbound_scan, "10.0.0.6",
              callhome::ScanDetails{.scan_type = callhome::ScanShape::vertical, .ports = 100}),
      finding(callhome::FindingKind::dns_tunnel, "10.0.0.7",
              callhome::DnsTunnelDetails{.domain = "example.com"})};
  volatile size_t n = callhome::investigate(findings, ctx).size();
  (void)n;
  return 0;
}
