// DNS in a capture as one event per lookup, as Zeek's dns.log has it: a query is held until
// its response arrives (matched on client, server, client port and transaction id), and a query
// that gets none is reported on its own once dns_session_timeout has passed or the input ends.
// Without this only answered lookups were seen: a tunnel client whose server stays silent, or a
// DGA asking a resolver that drops it, left no trace. One socket may carry any number of
// lookups (dnscat2 sends 1,818 queries over one source port); the transaction id tells them
// apart.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>
#include <deque>
#include <string>

#include "core/events.h"
#include "flow/decoded_packet.h"
#include "flow/payload_names.h"

namespace callhome {

class DnsTransactions {
 public:
  // Zeek's dns_session_timeout: a response later than this is not waited for.
  static constexpr double kTimeout = 10;
  // Queries waiting at once; beyond it the oldest is reported unanswered.
  static constexpr size_t kMaxPending = 1 << 16;

  explicit DnsTransactions(EventSink& sink) : sink_(sink) {}
  // A parsed DNS message of a UDP packet to or from port 53.
  void on_message(const DecodedPacket& p, DnsMessage&& m, double ts, Provenance prov);
  // End of the input: every query still waiting is reported unanswered.
  void flush();

 private:
  struct Key {
    Address client, server;
    uint16_t client_port = 0, id = 0;
    friend bool operator==(const Key&, const Key&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const Key& k) {
      return H::combine(std::move(h), k.client, k.server, k.client_port, k.id);
    }
  };
  struct Pending {
    DnsEvent event;
    uint64_t seq = 0;
  };
  void expire(double now);
  void emit_unanswered(Pending& p);

  EventSink& sink_;
  absl::flat_hash_map<Key, Pending> pending_;
  std::deque<std::pair<uint64_t, Key>> order_;  // by arrival; stale entries are skipped
  uint64_t seq_ = 0;
  DnsEvent scratch_;
};

}  // namespace callhome
