// Builders for synthetic events in detector tests.
#pragma once

#include "core/connection.h"

namespace callhome::testing {

inline Connection conn(const char* src, uint16_t sport, const char* dst, uint16_t dport, double ts,
                       ConnState state, Action action = Action::unknown,
                       uint8_t proto = kProtoTcp) {
  Connection c;
  c.ts = ts;
  c.orig_h = *Address::parse(src);
  c.resp_h = *Address::parse(dst);
  c.orig_p = sport;
  c.resp_p = dport;
  c.ip_proto = proto;
  c.state = state;
  c.action = action;
  switch (state) {
    case ConnState::S0:
      c.history = "S";
      break;
    case ConnState::REJ:
      c.history = "Sr";
      break;
    case ConnState::SF:
      c.history = "ShADadFf";
      break;
    default:
      break;
  }
  c.has_counts = state != ConnState::none;
  c.orig_pkts = 1;
  c.resp_pkts = state == ConnState::SF ? 5 : state == ConnState::REJ ? 1 : 0;
  c.first = c.last = Provenance{0, uint64_t(ts)};
  return c;
}

}  // namespace callhome::testing
