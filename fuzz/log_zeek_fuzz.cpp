// Fuzzes the Zeek log sniffer and reader (TSV and JSON).
#include <cstddef>
#include <cstdint>
#include <string>

#include "logs/zeek_reader.h"

namespace {

// Reads every byte an event carries, so that a view past its string shows up under ASan.
struct TouchAll : callhome::EventSink {
  size_t sum = 0;
  void touch(const std::string& s) {
    for (char c : s) sum += uint8_t(c);
  }
  void on_connection(const callhome::Connection& c) override {
    touch(c.uid), touch(c.history), touch(c.service), touch(c.tunnel_parents);
    sum += c.orig_pkts + c.resp_pkts + c.orig_ip_bytes + size_t(c.state) + c.first.ref;
  }
  void on_http(const callhome::HttpEvent& e) override {
    touch(e.method), touch(e.url), touch(e.host), touch(e.user_agent), touch(e.content_type);
    sum += e.status + e.bytes;
  }
  void on_dns(const callhome::DnsEvent& e) override {
    touch(e.query), touch(e.rcode);
    for (const auto& c : e.cnames) touch(c);
    sum += e.addresses.size() + e.qtype;
  }
  void on_name(const callhome::NameEvent& e) override { touch(e.name), touch(e.source); }
  void on_alert(const callhome::AlertEvent& e) override {
    touch(e.signature), touch(e.classification);
    sum += e.sid;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  volatile int score = callhome::sniff_zeek(bytes);
  (void)score;
  callhome::ByteSource::Options options;
  options.hash = false;
  options.decompress = false;
  options.chunk = 4096;  // small reads: cheap per run, and lines straddle refills
  auto src = callhome::ByteSource::from_memory(std::move(bytes), options);
  callhome::LineReader lines(*src, 4096);  // a small limit, so that overlong lines occur
  callhome::ReadContext ctx;
  TouchAll sink;
  callhome::InputReport report;
  callhome::read_zeek(lines, ctx, sink, report);
  volatile size_t sum = sink.sum + report.records + report.rejected;
  (void)sum;
  return 0;
}
