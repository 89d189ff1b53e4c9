// Turns decoded packets into connection records with Zeek's conn.log semantics: who the
// originator is, conn_state, history, byte and packet counts, and when a connection ends
// (close, reset, inactivity), using capture time only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/connection.h"
#include "core/events.h"
#include "core/network.h"
#include "flow/decoded_packet.h"
#include "flow/likely_server_ports.h"

namespace callhome {

struct TrackerOptions {
  NetworkSet local_nets = NetworkSet::private_ranges();  // for local_orig / local_resp
  double tcp_inactivity_timeout = 300;
  double udp_inactivity_timeout = 60;
  double icmp_inactivity_timeout = 60;
  double other_inactivity_timeout = 60;
  uint64_t uid_seed = 0x63616c6c686f6d65;  // "callhome": uids are deterministic per input
  // Zeek's likely_server_ports, by which the roles of a connection not begun by a plain SYN
  // are guessed.
  LikelyServerPorts likely_server_ports = LikelyServerPorts::defaults();
};

struct TrackerStats {
  uint64_t packets = 0;      // transport packets handed to the tracker
  uint64_t connections = 0;  // records emitted
  uint64_t live = 0;         // connections currently open
  uint64_t peak_live = 0;
};

class ConnTracker {
 public:
  ConnTracker(TrackerOptions options, EventSink& sink);
  ~ConnTracker();
  ConnTracker(const ConnTracker&) = delete;
  ConnTracker& operator=(const ConnTracker&) = delete;

  // Feeds one IP packet (one layer of a decoded frame) seen at `ts`. `tunnel_parent` is the
  // uid of the connection carrying it when it came out of a tunnel (empty otherwise). Returns
  // the uid of the connection the packet went to (valid until the next call).
  const std::string& packet(const DecodedPacket& p, double ts, Provenance prov,
                            const std::string& tunnel_parent);

  // The same as packet() without making the uid: most packets are not tunnels, and nobody asks
  // for the uid of their connection. last_uid() then makes it, for the packet fed last (empty if
  // it had no usable transport header); valid until the next call.
  void feed(const DecodedPacket& p, double ts, Provenance prov, const std::string& tunnel_parent);
  const std::string& last_uid();

  // Prefetching for a packet that comes later, in two steps a packet or more apart, so that
  // each waits for memory while other packets are processed: prefetch_index loads the index
  // entries the packet's connection is filed under, prefetch_conn (once they are in the cache)
  // the connection itself. Neither changes anything.
  struct Hint {
    uint64_t hash = 0;
    bool valid = false;
  };
  Hint prefetch_index(const FlowKey& key) const;
  void prefetch_conn(const Hint& hint) const;

  // Ends every open connection as if the input ended (Zeek's behaviour at the end of a trace).
  void flush();

  const TrackerStats& stats() const { return stats_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  TrackerStats stats_;
};

}  // namespace callhome
