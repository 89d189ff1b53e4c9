// beacon: an internal host contacting one destination on a schedule, scored the way RITA v5
// scores beacons (detect/beacon_score.h). Three kinds of pair are collected:
//   ip   (host, external address)            RITA's "ip" beacons
//   sni  (host, server name)                 RITA's "sni" beacons: TLS SNI, HTTP Host, proxy
//                                            CONNECT targets
//   net  (host, external /24 or /48, port)   failed or blocked attempts only: a retry loop that
//                                            rotates over a provider's pool (Case 2, a dozen
//                                            Akamai addresses) looks irregular to any one
//                                            address but keeps its schedule toward the pool.
// Pairs whose attempts mostly failed or were blocked are reported as retry loops. Names borrow
// the time and size of the connection that carried them, which then leaves its address pair (as
// RITA joins on Zeek uids). Evidence longer than a day is scored per 24 h window, and a pair is
// reported from the latest window in which it beacons. Windows belong to the pair's host: the
// first ends at the last time the host was seen and each reaches back 24 h or to the first time
// it was seen, so one host's verdict never depends on another host's evidence. Within a window:
//   - a gap far longer than the schedule (a laptop asleep) is a session break: the sessions are
//     one beacon, and the break is left out of the interval statistics;
//   - a schedule needs min_intervals intervals over min_span_s seconds, so that bursts of
//     seconds (reconnects, a scan's probes) are not read as check-ins;
//   - records of one long connection (same ports and protocol, cut by inactivity timeouts) are
//     one check-in.
#pragma once

#include <absl/container/node_hash_map.h>

#include <array>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "core/network.h"
#include "detect/attempt.h"
#include "detect/beacon_score.h"
#include "detect/finding.h"

namespace callhome {

struct BeaconOptions {
  NetworkSet internal = NetworkSet::private_ranges();
  beacon::Params params;   // RITA v5 defaults
  double min_score = 0.7;  // report from here: RITA's "low" threshold, 70 on its x100 scale
  // RITA lets the hourly histogram and the coverage outvote the timing: uniformly random traffic
  // around the clock (13 to 300 connections a day to one place) scores 0.7 or more in 40-99% of
  // pairs. A pair is reported only if the MAD term of its timestamp score, 1 - MAD/median of the
  // intervals, reaches this too (jitter of up to +-50% of the period passes). 0 turns it off.
  double min_ts_mad_score = 0.5;
  size_t max_timestamps_per_pair = 86400;  // RITA's groupArray(86400)
  size_t max_pairs = 1'000'000;            // all kinds together
  size_t max_entries = 64'000'000;         // timestamps over all pairs (8 bytes each)
  int net_prefix_v4 = 24, net_prefix_v6 = 48;
  // A name is tied to the connection that carried it when that connection started at most this
  // long before the name was seen; later requests on the same connection then count once, as
  // RITA counts one http.log row per Zeek uid.
  uint32_t link_window_s = 60;
  // A schedule spans at least this many non-zero intervals and this many seconds. RITA needs 4
  // distinct timestamps but scores them against a whole day, whose histogram and coverage terms
  // sink a short burst; windows here end where the pair ends and may be as short as the host's
  // evidence, so the floor is explicit. 6 intervals over 10 min admits a 5-minute C2 seen for
  // half an hour and a per-minute retry loop, not a burst of reconnects or a scan's probes.
  size_t min_intervals = 6;
  uint32_t min_span_s = 600;
  // An interval longer than session_break_factor x the median interval and session_break_s is a
  // break between sessions of one schedule (a host asleep or offline), not part of its rhythm.
  // The absolute floor keeps an hourly retry loop's pauses (Case 2) as its rhythm.
  double session_break_factor = 10;
  uint32_t session_break_s = 7200;
};

class BeaconDetector : public Detector {
 public:
  explicit BeaconDetector(BeaconOptions options = {}) : opt_(std::move(options)) {}
  const char* name() const override { return "beacon"; }
  void on_connection(const Connection& c) override;
  void on_http(const HttpEvent& e) override;
  void on_name(const NameEvent& e) override;
  void finish(std::vector<Finding>& out) override;

  struct Stats {
    uint64_t pairs = 0;               // pairs created, all kinds
    uint64_t events_no_pair = 0;      // events dropped because max_pairs was reached
    uint64_t timestamps_dropped = 0;  // over a pair's cap or the global entry budget
    uint64_t names_linked = 0;        // names tied to the connection that carried them
    uint64_t multi_requests = 0;      // further names on an already linked connection
    uint64_t irregular = 0;           // scored >= min_score, left out by min_ts_mad_score
    uint64_t pieces = 0;              // records continuing a connection already counted
  };
  const Stats& stats() const { return stats_; }

  // Internals below are public for the formatting helpers in beacon_detector.cpp.

  // One connection (or request) of a pair. Byte counts saturate at 2^29 - 1: only their
  // regularity matters, and the flags make the entry fit in 8 bytes.
  struct Entry {
    uint32_t ts;  // whole seconds, truncated, as RITA
    uint32_t bytes : 29;
    uint32_t failed : 1;   // blocked, or a failed attempt (core/connection.h)
    uint32_t blocked : 1;  // a firewall or proxy said no
    uint32_t claimed : 1;  // carried a name: counted in that name's pair instead (RITA)
  };
  // A connection kept to cite as evidence: the first few and the last of each pair.
  struct Sample {
    double ts = 0;
    Provenance prov;
    Address dst;
    uint16_t sport = 0, dport = 0;
    uint8_t proto = 0;
    Outcome outcome = Outcome::unknown;
    const char* what = nullptr;  // how a name was seen (sni pairs)
  };
  enum class Kind : uint8_t { ip, sni, net, link };
  struct Pair {
    std::vector<Entry> entries;
    std::vector<uint8_t> server;    // sni pairs: index into addrs for each entry
    std::vector<Address> addrs;     // net: addresses tried; sni: servers contacted
    uint64_t count = 0;             // including entries not stored
    std::array<Sample, 4> samples;  // [0..2] earliest, [3] latest
    uint8_t n_samples = 0;
    std::array<uint16_t, 4> ports{};  // destination ports, first four distinct
    uint8_t n_ports = 0;
    bool more_ports = false;
    Kind kind = Kind::ip;
    // The last few answered connections (ip and link pairs), to tell a further record of one
    // of them (a piece cut by an inactivity timeout) from a new check-in.
    struct Flow {
      uint32_t start = 0;
      uint16_t sport = 0, dport = 0;
      uint8_t proto = 0;
      bool used = false;
    };
    std::array<Flow, 4> flows{};
    uint8_t next_flow = 0;
  };

 private:
  struct Window {
    uint32_t min, max;  // RITA's [datasetMin, datasetMax]
  };
  // Times a host was first and last seen, over all its connections and names.
  struct Span {
    uint32_t first = UINT32_MAX, last = 0;
  };
  // The window a pair is reported in (the latest one where it beacons), or why there is none.
  struct Scored {
    beacon::PairScore r;
    Window w{};
    size_t lo = 0, hi = 0;  // its entries in that window
    bool reportable = false;
    bool irregular = false;  // scored high enough but failed min_ts_mad_score
    bool strobe = false;
    bool schedule_only = false;    // under RITA's threshold, reported as a scheduled retry loop
    std::vector<uint32_t> ts;      // the window's timestamps with session breaks closed up
    std::vector<uint32_t> breaks;  // session breaks in seconds, in order
  };
  Pair* pair_for(Kind kind, const Address& host, const Address& dst, uint16_t port,
                 const std::string* name);
  // Stores one connection or request; false when a memory bound kept its timestamp out.
  bool add(Pair& p, uint32_t ts, uint64_t bytes, bool failed, bool blocked, const Sample& s);
  void add_name(const Address& client, std::string_view name, double ts, const Address& server,
                uint16_t port, bool linkable, bool blocked, Provenance prov, const char* what);
  void link_names();
  void seen(const Address& host, uint32_t ts);
  Scored pick_window(const Address& host, const Pair& p) const;
  void report(const Address& host, const std::string& dst, const Pair& p,
              std::vector<Finding>& out);

  BeaconOptions opt_;
  Stats stats_;
  size_t entries_ = 0;
  absl::node_hash_map<Address, Span> hosts_;
  // Node maps: a Pair is some 300 bytes, and the hot path probes the table for every event;
  // slots that hold pointers keep the probing in cache and rehashing cheap.
  absl::node_hash_map<std::pair<Address, Address>, Pair> ip_;  // ip and link-only pairs
  absl::node_hash_map<std::pair<Address, std::string>, Pair> sni_;
  absl::node_hash_map<std::tuple<Address, Address, uint16_t>, Pair> net_;
};

}  // namespace callhome
