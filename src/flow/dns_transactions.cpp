#include "flow/dns_transactions.h"

namespace callhome {

void DnsTransactions::emit_unanswered(Pending& p) {
  p.event.rcode.clear();  // no answer: Zeek logs rcode "-"
  sink_.on_dns(p.event);
}

void DnsTransactions::expire(double now) {
  while (!order_.empty()) {
    auto& [seq, key] = order_.front();
    auto it = pending_.find(key);
    if (it != pending_.end() && it->second.seq == seq) {
      if (pending_.size() <= kMaxPending && now - it->second.event.ts < kTimeout) break;
      emit_unanswered(it->second);
      pending_.erase(it);
    }
    order_.pop_front();
  }
}

void DnsTransactions::on_message(const DecodedPacket& p, DnsMessage&& m, double ts,
                                 Provenance prov) {
  expire(ts);
  if (!m.response) {
    Key key{p.src, p.dst, p.src_port, m.id};
    auto [it, fresh] = pending_.try_emplace(key);
    // The same id again before an answer: a retransmission or a reused id; the earlier query
    // is reported unanswered so that every query packet stays one lookup.
    if (!fresh) emit_unanswered(it->second);
    DnsEvent& e = it->second.event;
    e.ts = ts;
    e.client = p.src;
    e.server = p.dst;
    e.query = std::move(m.query);
    e.qtype = m.qtype;
    e.rcode.clear();
    e.addresses.clear();
    e.cnames.clear();
    e.prov = prov;
    it->second.seq = ++seq_;
    order_.emplace_back(seq_, key);
    return;
  }
  // A response: completes its query (with the query's time and packet, as Zeek's ts is the
  // query's), or stands alone when the query was not captured.
  auto it = pending_.find(Key{p.dst, p.src, p.dst_port, m.id});
  DnsEvent* e = &scratch_;
  if (it != pending_.end()) {
    e = &it->second.event;
  } else {
    e->ts = ts;
    e->client = p.dst;
    e->server = p.src;
    e->query = std::move(m.query);
    e->qtype = m.qtype;
    e->prov = prov;
  }
  e->rcode = dns_rcode_name(m.rcode);
  e->addresses = std::move(m.addresses);
  e->cnames = std::move(m.cnames);
  sink_.on_dns(*e);
  if (it != pending_.end()) pending_.erase(it);  // its entry in order_ goes stale
}

void DnsTransactions::flush() {
  for (auto& [seq, key] : order_) {
    auto it = pending_.find(key);
    if (it != pending_.end() && it->second.seq == seq) emit_unanswered(it->second);
  }
  pending_.clear();
  order_.clear();
}

}  // namespace callhome
