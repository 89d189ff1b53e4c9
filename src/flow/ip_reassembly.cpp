#include "flow/ip_reassembly.h"

#include <algorithm>
#include <cstring>

namespace callhome {

void IpReassembler::erase(absl::flat_hash_map<Key, Pending>::iterator it) {
  bytes_ -= it->second.header.size() + it->second.payload.size();
  pending_.erase(it);
}

void IpReassembler::give_up(absl::flat_hash_map<Key, Pending>::iterator it) {
  ++dropped_;
  dropped_fragments_ += it->second.fragments;
  erase(it);
}

uint64_t IpReassembler::pending_fragments() const {
  uint64_t n = 0;
  for (const auto& [key, p] : pending_) n += p.fragments;
  return n;
}

bool IpReassembler::live(const std::pair<uint64_t, Key>& entry) const {
  auto it = pending_.find(entry.second);
  return it != pending_.end() && it->second.serial == entry.first;
}

void IpReassembler::drop_oldest() {
  while (!order_.empty()) {
    const auto [serial, key] = order_.front();
    order_.pop_front();
    auto it = pending_.find(key);
    if (it != pending_.end() && it->second.serial == serial) {
      give_up(it);
      return;
    }
  }
}

void IpReassembler::expire(double now) {
  while (!order_.empty()) {
    const auto& [serial, key] = order_.front();
    auto it = pending_.find(key);
    if (it != pending_.end() && it->second.serial == serial) {
      if (now - it->second.first_ts <= limits_.timeout) break;
      give_up(it);
    }
    order_.pop_front();
  }
  // Completed datagrams leave their entries behind in the middle of order_; sweep them out
  // once they outnumber the live ones, so order_ stays proportional to what is pending.
  if (order_.size() > 2 * pending_.size() + 1024) {
    std::erase_if(order_, [&](const std::pair<uint64_t, Key>& e) { return !live(e); });
  }
}

// Copies only the bytes of [begin, end) that no earlier fragment supplied: the first data
// wins, as in Zeek's reassembler. Then records the range as held.
void IpReassembler::insert(Pending& p, uint32_t begin, uint32_t end, const uint8_t* data) {
  uint32_t pos = begin;
  for (const Range& r : p.have) {
    if (r.end <= pos) continue;
    if (r.begin >= end) break;
    if (r.begin > pos) std::memcpy(&p.payload[pos], data + (pos - begin), r.begin - pos);
    pos = std::max(pos, r.end);
    if (pos >= end) break;
  }
  if (pos < end) std::memcpy(&p.payload[pos], data + (pos - begin), end - pos);

  auto it = std::lower_bound(p.have.begin(), p.have.end(), begin,
                             [](const Range& r, uint32_t b) { return r.begin < b; });
  it = p.have.insert(it, Range{begin, end});
  if (it != p.have.begin() && std::prev(it)->end >= it->begin) {
    auto prev = std::prev(it);
    prev->end = std::max(prev->end, it->end);
    it = std::prev(p.have.erase(it));
  }
  auto next = std::next(it);
  while (next != p.have.end() && it->end >= next->begin) {
    it->end = std::max(it->end, next->end);
    next = p.have.erase(next);
    it = std::prev(next);
  }
}

void IpReassembler::assemble(const Pending& p, int version, uint32_t size,
                             std::vector<uint8_t>& out) const {
  const size_t h = p.header.size();
  out.resize(h + size);
  std::memcpy(out.data(), p.header.data(), h);
  std::memcpy(out.data() + h, p.payload.data(), size);
  if (version == 4) {
    const uint32_t total = uint32_t(h + size);
    out[2] = uint8_t(total >> 8);
    out[3] = uint8_t(total);
  } else {
    const uint32_t plen = uint32_t(h - 40 + size);
    out[4] = uint8_t(plen >> 8);
    out[5] = uint8_t(plen);
    out[p.next_pos] = p.next_header;  // the fragment header is gone: name what followed it
  }
}

IpReassembler::Add IpReassembler::add(const Fragment& f, std::vector<uint8_t>& out) {
  expire(f.ts);
  const uint64_t end64 = uint64_t(f.offset) + f.payload_len;
  if (f.header_len + end64 > limits_.max_datagram) return Add::refused;
  const uint32_t begin = f.offset, end = uint32_t(end64);

  // Make room first (for the worst case: a new datagram as large as this fragment's end), so
  // no eviction happens while `p` below is in use.
  Key key{f.src, f.dst, f.id, f.proto, uint8_t(f.version)};
  auto it = pending_.find(key);
  if (it == pending_.end()) {
    while (!pending_.empty() && (pending_.size() >= limits_.max_pending ||
                                 bytes_ + f.header_len + end > limits_.max_bytes)) {
      drop_oldest();
    }
    it = pending_.try_emplace(key).first;
    Pending& fresh = it->second;
    fresh.serial = next_serial_++;
    fresh.first_ts = f.ts;
    fresh.header.assign(f.header, f.header + f.header_len);
    fresh.next_pos = f.next_pos;
    bytes_ += f.header_len;
    order_.emplace_back(fresh.serial, key);
  } else if (end > it->second.payload.size()) {
    const size_t growth = end - it->second.payload.size();
    const uint64_t serial = it->second.serial;
    while (bytes_ + growth > limits_.max_bytes) {
      while (!order_.empty() && !live(order_.front())) order_.pop_front();
      if (order_.empty() || order_.front().first == serial) break;  // it is the oldest itself
      drop_oldest();
    }
    it = pending_.find(key);  // erasing others leaves it in place; look again to be plain
  }
  Pending& p = it->second;
  ++p.fragments;

  if (begin == 0) p.next_header = f.next_header;
  if (!f.more) {
    p.end = p.end_known ? std::max(p.end, end) : end;
    p.end_known = true;
  } else if (p.end_known && end > p.end) {
    p.end = end;  // a middle fragment beyond the "last" one: the datagram is longer
  }
  if (end > p.payload.size()) {
    bytes_ += end - p.payload.size();
    p.payload.resize(end);
  }
  if (end > begin) insert(p, begin, end, f.payload);

  // Complete once the data runs without a hole from the start to (at least) the end; what is
  // contiguous from the start is the datagram, as Zeek decides.
  if (!p.end_known || p.have.empty() || p.have[0].begin != 0 || p.have[0].end < p.end) {
    return Add::held;
  }
  const uint32_t size = p.have[0].end;
  if (p.header.size() + size > limits_.max_datagram) {  // the first header was longer
    --p.fragments;  // this one is refused (and counted) by the caller
    give_up(it);
    return Add::refused;
  }
  assemble(p, f.version, size, out);
  erase(it);
  return Add::complete;
}

}  // namespace callhome
