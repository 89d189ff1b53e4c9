// Prefetching for the connection tracker from the packets the capture reader already holds.
// The tracker waits for memory on nearly every packet (its connections outgrow the caches), so
// each round asks for what the next rounds need: the connection of the next packet, whose index
// entries the previous round asked for, and the index entries of the one after it. Hints only:
// nothing is decided from the packets peeked at.
#pragma once

#include "flow/capture_reader.h"
#include "flow/conn_tracker.h"
#include "flow/packet_decoder.h"

namespace callhome {

class TrackerPrefetch {
 public:
  // Call after reader.next() and before tracking the packet it returned.
  void ahead(const CaptureReader& reader, const ConnTracker& tracker) {
    tracker.prefetch_conn(next_);
    next_ = {};
    FlowKey key;
    if (const auto two = reader.peek(2);
        two.data && peek_flow_key(two.data, two.caplen, two.linktype, key)) {
      next_ = tracker.prefetch_index(key);
    }
  }

 private:
  ConnTracker::Hint next_;
};

}  // namespace callhome
