// The "what is doing it" sink: collects, per internal host, the software its packets and requests
// reveal (OS from SYN/SYN+ACK, TLS clients, User-Agents, ICMP echo programs). Memory is bounded:
// a cap on hosts and on each list per host, with counts of what the caps left out.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <memory>
#include <string>
#include <vector>

#include "core/events.h"
#include "core/network.h"
#include "fingerprint/client_hello.h"
#include "fingerprint/host_software.h"
#include "fingerprint/p0f_database.h"
#include "fingerprint/tcp_signature.h"
#include "fingerprint/tls_clients.h"
#include "fingerprint/user_agent.h"

namespace callhome {

struct SoftwareCaps {
  size_t hosts = 100000;
  size_t os = 8;  // distinct signatures per host
  size_t tls_clients = 32;
  size_t destinations = 16;  // per TLS client
  size_t user_agents = 32;
  size_t icmp_echo = 16;
  size_t icmp_targets = 8;
  size_t fingerprints = 100000;  // distinct TLS fingerprints across hosts (for "rare")
};

struct SoftwareObserverOptions {
  NetworkSet internal = NetworkSet::private_ranges();
  const P0fDatabase* p0f = nullptr;  // no OS guesses without it
  const TlsClientKnowledge* tls_clients = nullptr;
  const UserAgentKnowledge* user_agents = nullptr;
  SoftwareCaps caps;
};

class SoftwareObserver : public EventSink {
 public:
  explicit SoftwareObserver(SoftwareObserverOptions options);

  void on_packet_sample(const PacketSampleEvent& e) override;
  void on_http(const HttpEvent& e) override;

  // Every host seen, in address order, with each list most frequent first and the "rare" flags
  // decided over all hosts.
  std::vector<HostSoftware> hosts() const;
  uint64_t hosts_dropped() const { return hosts_dropped_; }

 private:
  // What an OS observation is filed under: the packet's fields, compared without formatting
  // them, so that a SYN seen before costs no allocation.
  struct OsEntry {
    TcpSignature observed;
    bool syn_ack = false;
  };
  struct Host {
    HostSoftware sw;
    std::vector<OsEntry> os_keys;  // parallel to sw.os
  };
  struct FingerprintUse {
    Address first_host;
    bool several_hosts = false;
  };

  Host* host(const Address& a);
  void tcp_handshake(const PacketSampleEvent& e, bool syn_ack);
  void client_hello(const PacketSampleEvent& e);
  void icmp_echo(const PacketSampleEvent& e);

  SoftwareObserverOptions opt_;
  absl::flat_hash_map<Address, std::unique_ptr<Host>> hosts_;
  uint64_t hosts_dropped_ = 0;
  // The MSS of SYNs towards internal hosts, for matching their SYN+ACKs (p0f reads the window of
  // some SYN+ACKs as a multiple of the peer's MSS). Bounded: cleared when full.
  struct FlowKey4 {
    Address client, server;
    uint16_t client_port = 0, server_port = 0;
    friend bool operator==(const FlowKey4&, const FlowKey4&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const FlowKey4& k) {
      return H::combine(std::move(h), k.client, k.server, k.client_port, k.server_port);
    }
  };
  absl::flat_hash_map<FlowKey4, uint16_t> syn_mss_;
  absl::flat_hash_map<std::string, FingerprintUse> fingerprint_use_;
  ClientHello hello_;  // reused: no allocation per handshake for its lists
  std::vector<uint8_t> scratch_;
  TcpSignature sig_;
};

}  // namespace callhome
