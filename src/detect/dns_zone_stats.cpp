#include "detect/dns_zone_stats.h"

#include <fmt/format.h>

#include <algorithm>

namespace callhome {
namespace {

// --- Thresholds; each says where it comes from. ---

// RITA v5 c2-over-DNS counts distinct names per domain: base 100, low 500, medium 800, high
// 1000 (research/anchors.md 1.3). Volume alone is capped at medium here: RITA counts a whole
// site over 24 h, and DNS blocklist or reputation lookups reach these numbers without any data
// in the names.
constexpr uint64_t kRitaLow = 500, kRitaHigh = 1000;
// Names that carry data: at least 8 distinct ones (judgement: the shortest labelled tool sessions
// have 12-22 queries, Saitama 11-19 per domain; a CDN's hashed host names show up one or two at a
// time per host) making up a quarter of the zone's names (judgement: sods alternates data names
// with poll names, "0-60451.id-1605.down", so half its names carry no data).
constexpr uint64_t kMinEncodedNames = 8;
constexpr double kMinEncodedShare = 0.25;
// Labels near the 63-byte limit: tunnels fill them (dnscat2 60, DNSExfiltrator 63, sods 62);
// host-name labels rarely pass 30. Judgement, from the labelled tools.
constexpr size_t kLongLabel = 40;
// Record types that carry more than an address; stub resolvers of desktops ask A, AAAA, HTTPS
// and PTR. A third of the queries, or four distinct types (RogueRobin cycles through seven).
// Judgement.
constexpr double kDataTypeShare = 0.3;
constexpr size_t kManyTypes = 4;
// Failing lookups: NXDOMAIN, SERVFAIL or no answer for 30% of the zone's queries (judgement;
// RogueRobin: 196 of ~480 SERVFAIL; names a program really uses resolve).
constexpr double kFailShare = 0.3;
// A schedule: 1 - MAD/median of the gaps >= 0.9, RITA's MAD term of the timestamp score
// (anchors.md 1.1a); at least 8 gaps, and gaps of 0.5 s or more (a burst of back-to-back queries
// is a transfer, not a schedule). Judgement for the last two.
constexpr size_t kMinGaps = 8;
constexpr double kMinGap = 0.5, kMaxMadRatio = 0.1;
// Several zones of one host with data-shaped names (judgement: RogueRobin rotates ten zones,
// Saitama three; a benign host has none).
constexpr size_t kSiblingZones = 2;
// Answers to check before saying they were never used (judgement).
constexpr size_t kMinAnswers = 3;

bool data_type(uint16_t t) {
  return t == 5 || t == 10 || t == 15 || t == 16 || t == 33 || t == 35 || t == 255 || t >= 65280;
}

Severity raise(Severity s, int by) {
  return Severity(std::min<int>(int(s) + by, int(Severity::high)));
}

std::optional<double> regular_interval(std::vector<double> times) {
  if (times.size() < kMinGaps + 1) return std::nullopt;
  std::sort(times.begin(), times.end());
  std::vector<double> gaps;
  for (size_t i = 1; i < times.size(); ++i) gaps.push_back(times[i] - times[i - 1]);
  auto median = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  const double m = median(gaps);
  if (m < kMinGap) return std::nullopt;
  for (double& g : gaps) g = std::abs(g - m);
  if (median(gaps) > kMaxMadRatio * m) return std::nullopt;
  return m;
}

}  // namespace

const char* qtype_name(uint16_t t, std::string& buf) {
  switch (t) {
    case 1:
      return "A";
    case 2:
      return "NS";
    case 5:
      return "CNAME";
    case 6:
      return "SOA";
    case 10:
      return "NULL";
    case 12:
      return "PTR";
    case 15:
      return "MX";
    case 16:
      return "TXT";
    case 28:
      return "AAAA";
    case 33:
      return "SRV";
    case 35:
      return "NAPTR";
    case 64:
      return "SVCB";
    case 65:
      return "HTTPS";
    case 255:
      return "ANY";
    default:
      buf = fmt::format("TYPE{}", t);
      return buf.c_str();
  }
}

void ZoneStats::add(const DnsEvent& e, uint64_t name_hash, const SubdomainShape& shape) {
  if (queries++ == 0 || e.ts < first) first = e.ts;
  last = std::max(last, e.ts);
  names.add(name_hash);
  max_label = std::max(max_label, shape.max_label);
  if (qtypes.size() < kQtypes || qtypes.contains(e.qtype)) ++qtypes[e.qtype];
  if (resolvers.size() < kResolvers || resolvers.contains(e.server)) ++resolvers[e.server];
  if (e.rcode == "NXDOMAIN") {
    ++nxdomain;
  } else if (e.rcode == "SERVFAIL") {
    ++servfail;
  } else if (e.rcode.empty() || e.rcode == "-") {
    ++unanswered;
  }
  if (shape.encoding == LabelEncoding::none) return;
  // Only data-carrying queries pay for what follows.
  ++encoded;
  encoded_names.add(name_hash);
  ++encodings[shape.encoding];
  max_encoded_label = std::max(max_encoded_label, shape.encoded_label);
  if (times.size() < kTimes) times.push_back(e.ts);
  for (const Address& a : e.addresses) {
    if (answers.size() >= kAnswers) break;
    if (std::find(answers.begin(), answers.end(), a) == answers.end()) answers.push_back(a);
  }
  if (samples.size() < kSamples) {
    std::string buf;
    samples.push_back({e.prov, fmt::format("{} asked {} {} of {}{}", e.client.to_string(),
                                           qtype_name(e.qtype, buf), e.query, e.server.to_string(),
                                           e.rcode.empty() ? "" : " (" + e.rcode + ")")});
  }
}

bool tunnel_shaped(const ZoneStats& z) {
  const uint64_t unique = z.names.estimate(), enc = z.encoded_names.estimate();
  return !z.ignored && enc >= kMinEncodedNames && unique > 0 &&
         double(enc) / double(unique) >= kMinEncodedShare;
}

TunnelVerdict assess_tunnel(const ZoneStats& z, const TunnelContext& ctx) {
  TunnelVerdict v;
  if (z.ignored) return v;
  // The sketch estimates beyond its exact range; never more names than queries.
  v.unique = std::min(z.names.estimate(), z.queries);
  v.encoded_unique = std::min(z.encoded_names.estimate(), v.unique);
  v.encoded_share = v.unique ? double(v.encoded_unique) / double(v.unique) : 0;
  v.interval_s = regular_interval(z.times);

  std::optional<Severity> by_volume;
  if (v.unique >= kRitaHigh) {
    by_volume = Severity::medium;
  } else if (v.unique >= kRitaLow) {
    by_volume = Severity::low;
  }
  if (by_volume) v.reasons.push_back(fmt::format("{} distinct names (RITA counts 500+)", v.unique));

  const bool shaped = tunnel_shaped(z);
  if (!shaped && !by_volume) return v;
  v.report = true;
  int boost = 0;
  if (shaped) {
    v.reasons.push_back(
        fmt::format("{} of {} names carry encoded data", v.encoded_unique, v.unique));
    if (z.max_encoded_label >= kLongLabel) {
      ++boost;
      v.reasons.push_back(fmt::format("data labels up to {} characters", z.max_encoded_label));
    }
    uint64_t data_types = 0;
    for (const auto& [t, n] : z.qtypes) data_types += data_type(t) ? n : 0;
    if (double(data_types) >= kDataTypeShare * double(z.queries) || z.qtypes.size() >= kManyTypes) {
      ++boost;
      v.reasons.push_back(fmt::format("{} record types, {} of {} queries TXT/NULL/MX/CNAME-like",
                                      z.qtypes.size(), data_types, z.queries));
    }
    const uint64_t failed = z.nxdomain + z.servfail + z.unanswered;
    if (double(failed) >= kFailShare * double(z.queries)) {
      ++boost;
      v.reasons.push_back(
          fmt::format("{} of {} queries failed or went unanswered", failed, z.queries));
    }
    if (ctx.answers_contacted && z.answers.size() >= kMinAnswers && *ctx.answers_contacted == 0) {
      ++boost;
      v.reasons.push_back(fmt::format(
          "none of the {} addresses answered was contacted afterwards: the answers are data",
          z.answers.size()));
    }
    if (v.interval_s) {
      ++boost;
      v.reasons.push_back(fmt::format("one data query every {:.1f} s", *v.interval_s));
    }
    if (ctx.sibling_zones >= kSiblingZones) {
      ++boost;
      v.reasons.push_back(
          fmt::format("{} other zones of this host carry encoded names", ctx.sibling_zones));
    }
  }
  const Severity by_shape = shaped ? raise(Severity::low, boost) : Severity::info;
  v.severity = std::max(by_shape, by_volume.value_or(Severity::info));
  // Critical only when everything agrees: RITA's high volume, data-shaped names and two more
  // independent signs (RITA too reaches critical only through modifiers).
  if (shaped && v.unique >= kRitaHigh && boost >= 2) v.severity = Severity::critical;
  return v;
}

}  // namespace callhome
