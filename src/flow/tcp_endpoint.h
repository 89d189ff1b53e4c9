// One side of a TCP connection, tracked the way Zeek's TCP analyzer does, so that conn_state,
// history and byte counts come out as in Zeek's conn.log.
#pragma once

#include <cstdint>

namespace callhome {

enum class TcpState : uint8_t {
  inactive,      // nothing seen from this side yet
  syn_sent,      // SYN seen
  syn_ack_sent,  // SYN+ACK seen from the side that should have sent a plain SYN
  partial,       // traffic seen, but the handshake was missed
  established,
  closed,  // FIN seen
  reset,   // RST seen
};

inline int32_t seq_delta(uint32_t a, uint32_t b) {
  return int32_t(a - b);
}

struct TcpEndpoint {
  TcpState state = TcpState::inactive;
  TcpState prev_state = TcpState::inactive;
  bool did_close = false;
  uint8_t fin_count = 0;  // saturates; only "any" matters
  int64_t start_seq = 0;  // may be "seq - 1" for partial connections, hence signed 64 bits
  uint32_t last_seq = 0, ack_seq = 0;
  uint32_t seq_wraps = 0, ack_wraps = 0;
  uint64_t hist_last_syn = 0, hist_last_fin = 0, hist_last_rst = 0;
  // Logarithmic history letters (C, T, W): counts and the next count that earns a letter.
  uint32_t checksum_errors = 0, checksum_thresh = 1;
  uint32_t retransmits = 0, retransmit_thresh = 1;
  uint32_t zero_windows = 0, zero_window_thresh = 1;
  uint32_t gaps = 0, gap_thresh = 1;
  // Reassembly horizon: relative sequence number up to which data is accounted for (seen or
  // declared missing), so that acks beyond it reveal content gaps.
  uint64_t data_horizon = 1;
  bool data_seen = false;

  void set_state(TcpState s) {
    if (s != state) {
      prev_state = state;
      state = s;
    }
  }
  uint32_t start() const { return uint32_t(start_seq); }
  void init_start(int64_t s) { start_seq = s; }
  void update_last_seq(uint32_t s) {
    if (s < last_seq) ++seq_wraps;
    last_seq = s;
  }
  void update_ack_seq(uint32_t s) {
    if (s < ack_seq) ++ack_wraps;
    ack_seq = s;
  }
  static uint64_t full(uint32_t s, uint32_t wraps) { return (uint64_t(wraps) << 32) | s; }
  uint64_t to_relative(uint32_t s, uint32_t wraps) const {
    return full(s, wraps) - uint64_t(start_seq);
  }
  bool no_data_acked() const {
    uint64_t ack = full(ack_seq, ack_wraps);
    uint64_t st = uint64_t(start_seq);
    return ack == st || ack == st + 1;
  }
  bool is_active() const { return state != TcpState::inactive && !did_close; }

  // Bytes sent, from sequence numbers (Zeek's TCP_Endpoint::Size).
  uint64_t size(const TcpEndpoint& peer) const {
    if (prev_state == TcpState::syn_sent && state == TcpState::reset &&
        peer.state == TcpState::inactive && !no_data_acked()) {
      return 0;  // a half-open connection that was aborted: its sequence numbers mean nothing
    }
    uint64_t last = full(last_seq, seq_wraps);
    uint64_t ack = full(ack_seq, ack_wraps);
    uint64_t sz = (last > ack ? last : ack) - uint64_t(start_seq);
    if (sz != 0) --sz;                   // the SYN's octet
    if (fin_count > 0 && sz != 0) --sz;  // the FIN's octet
    return sz;
  }
};

}  // namespace callhome
