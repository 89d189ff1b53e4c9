#include "flow/ip_reassembly.h"

#include <algorithm>
#include <cstring>

namespace callhome {
namespace {
constexpr uint32_t kMaxDatagram = 65535;
}

void IpReassembler::expire(double now) {
  while (!order_.empty() &&
         (order_.front().first + limits_.timeout < now || pending_.size() > limits_.max_pending)) {
    auto it = pending_.find(order_.front().second);
    if (it != pending_.end() && it->second.first_ts == order_.front().first) {
      pending_.erase(it);
      ++dropped_;
    }
    order_.pop_front();
  }
}

const std::vector<uint8_t>* IpReassembler::add(int version, const Address& src, const Address& dst,
                                               uint32_t id, uint8_t proto, const uint8_t* header,
                                               size_t header_len, uint32_t offset, bool more,
                                               const uint8_t* payload, size_t payload_len,
                                               uint8_t next_header, double ts) {
  expire(ts);
  if (offset + payload_len > kMaxDatagram) return nullptr;  // malformed or hostile: ignore
  Key key{src, dst, id, proto, uint8_t(version)};
  auto [it, inserted] = pending_.try_emplace(key);
  Pending& p = it->second;
  if (inserted) {
    p.first_ts = ts;
    order_.emplace_back(ts, key);
  }
  if (offset == 0) {
    p.header.assign(header, header + header_len);
    p.next_header = next_header;
  }
  if (!more) p.total = int64_t(offset + payload_len);
  if (p.payload.size() < offset + payload_len) p.payload.resize(offset + payload_len);
  // First data wins where fragments overlap: copy only the bytes not yet held.
  uint32_t pos = offset;
  const uint32_t end = uint32_t(offset + payload_len);
  for (const auto& [a, b] : p.have) {
    if (b <= pos || a >= end) continue;
    if (a > pos) std::memcpy(&p.payload[pos], payload + (pos - offset), a - pos);
    pos = std::max(pos, b);
  }
  if (pos < end) std::memcpy(&p.payload[pos], payload + (pos - offset), end - pos);
  p.have.emplace_back(offset, end);
  std::sort(p.have.begin(), p.have.end());
  std::vector<std::pair<uint32_t, uint32_t>> merged;
  for (const auto& r : p.have) {
    if (!merged.empty() && r.first <= merged.back().second) {
      merged.back().second = std::max(merged.back().second, r.second);
    } else {
      merged.push_back(r);
    }
  }
  p.have.swap(merged);

  const bool complete = p.total >= 0 && !p.header.empty() && p.have.size() == 1 &&
                        p.have[0].first == 0 && p.have[0].second >= p.total;
  if (!complete) return nullptr;
  out_.assign(p.header.begin(), p.header.end());
  out_.insert(out_.end(), p.payload.begin(), p.payload.begin() + p.total);
  if (version == 4) {
    const uint32_t total = uint32_t(out_.size());
    out_[2] = uint8_t(total >> 8);
    out_[3] = uint8_t(total);
    out_[6] &= 0x40;  // keep DF, clear MF and the offset
    out_[7] = 0;
    // A fresh header checksum, so checksum verification judges the datagram, not our edit.
    const size_t hl = size_t(out_[0] & 15) * 4;
    out_[10] = out_[11] = 0;
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < hl && i + 1 < out_.size(); i += 2)
      sum += uint32_t(out_[i]) << 8 | out_[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    out_[10] = uint8_t(~sum >> 8);
    out_[11] = uint8_t(~sum);
  } else {
    const uint32_t plen = uint32_t(p.total);
    out_[4] = uint8_t(plen >> 8);
    out_[5] = uint8_t(plen);
    out_[6] = p.next_header;
  }
  pending_.erase(it);
  return &out_;
}

}  // namespace callhome
