// Fuzzes what fingerprinting reads from untrusted bytes: p0f.fp text, SYN headers, ClientHellos
// (whole, and fed to the tap in segments so that joining is exercised), ICMP echo data and
// User-Agents, then the observer that combines them.
//
// Input: the first byte picks the target (low 3 bits); the rest is its data.
//   0: p0f.fp text, parsed, then every signature matched against a fixed SYN
//   1: an IPv4 header (length from its IHL) then a TCP header: read as a SYN and a SYN+ACK
//   2: TLS records: parsed as a ClientHello, JA3/JA4 made
//   3: a run of TCP segments for the tap: each a 2-byte length then bytes; the sequence
//      numbers follow the lengths, so a hello split by the fuzzer is joined
//   4: ICMP echo data (the second byte is the code)
//   5: a User-Agent, normalised
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fingerprint/client_hello.h"
#include "fingerprint/icmp_echo.h"
#include "fingerprint/p0f_database.h"
#include "fingerprint/software_observer.h"
#include "fingerprint/software_tap.h"
#include "fingerprint/tcp_signature.h"
#include "fingerprint/user_agent.h"

namespace {

using namespace callhome;

const P0fDatabase& small_db() {
  static const P0fDatabase db = P0fDatabase::parse(
      "[tcp:request]\nlabel = s:win:Windows:XP\nsig = *:128:0:*:65535,0:mss,nop,nop,sok:df,id+:0\n"
      "label = g:unix:Linux:3.x\nsig = *:64:0:*:mss*10,*:mss,sok,ts,nop,ws:df,id+:0\n"
      "[tcp:response]\nlabel = s:unix:Linux:3.x\nsig = *:64:0:*:mss*10,*:mss,nop,ws:df:0\n",
      "fuzz.fp");
  return db;
}

void p0f_text(const uint8_t* d, size_t n) {
  const P0fDatabase db =
      P0fDatabase::parse(std::string_view(reinterpret_cast<const char*>(d), n), "fuzz.fp");
  TcpSignature syn;
  syn.ttl = 120;
  syn.mss = 1460;
  syn.win = 65535;
  syn.options = {2, 1, 1, 4};
  syn.option_count = 4;
  syn.quirks = tcp_quirk::kDf | tcp_quirk::kNzId;
  for (bool ack : {false, true}) {
    const P0fMatch m = db.match(ack, syn, 1460);
    if (m.label) (void)m.label->text();
  }
}

void syn_headers(const uint8_t* d, size_t n) {
  if (n < 1) return;
  const size_t ip_len = std::min(n, size_t(d[0] & 15) * 4 + (d[0] >> 4 == 6 ? 40 : 0));
  const std::span<const uint8_t> ip(d, ip_len), tcp(d + ip_len, n - ip_len);
  TcpSignature s;
  for (bool ack : {false, true}) {
    if (!read_tcp_signature(ip, tcp, uint32_t(n), s)) continue;
    (void)format_observed(s, ack, 1460);
    (void)small_db().match(ack, s, 536);
  }
}

void hello(const uint8_t* d, size_t n) {
  ClientHello h;
  std::vector<uint8_t> scratch;
  (void)client_hello_bytes_needed({d, n});
  if (parse_client_hello({d, n}, h, scratch)) {
    (void)ja3(h);
    (void)ja4(h);
    (void)ja4_original(h);
  }
}

void segments(const uint8_t* d, size_t n) {
  SoftwareObserverOptions opt;
  opt.p0f = &small_db();
  SoftwareObserver observer(opt);
  SoftwareTap tap;
  uint32_t seq = 1000;
  double ts = 1;
  for (size_t at = 0; at + 2 <= n;) {
    const size_t len = std::min<size_t>(size_t(d[at]) << 8 | d[at + 1], n - at - 2);
    DecodedPacket p;
    p.src = Address::v4(0xc0a80103);
    p.dst = Address::v4(0x0a000001);
    p.ip_proto = 6;
    p.transport_ok = true;
    p.tcp_flags = d[at] & 0x80 ? 0x02 : 0x18;
    p.seq = seq;
    p.src_port = 50000;
    p.dst_port = 443;
    p.payload = d + at + 2;
    p.payload_caplen = uint32_t(len);
    p.payload_len = uint32_t(len) + (d[at + 1] & 1);  // now and then cut short by the capture
    tap.packet(p, ts, Provenance{0, at}, observer);
    seq += uint32_t(len);
    ts += (d[at] & 0x40) ? 40 : 0.01;  // and now and then past the joining timeout
    at += 2 + len;
  }
  for (const auto& h : observer.hosts()) (void)to_json(h);
}

void icmp(const uint8_t* d, size_t n) {
  if (n < 1) return;
  const IcmpEchoClass c = classify_icmp_echo({d + 1, n - 1}, uint32_t(n - 1 + (d[0] & 3)), d[0]);
  (void)to_string(c.origin);
}

void user_agent(const uint8_t* d, size_t n) {
  static const auto known = UserAgentKnowledge::parse(
      "LiveUpdate\tSymantec LiveUpdate\tantivirus_updater\tWindows\tfuzz\n", "fuzz.tsv");
  (void)normalise_user_agent(std::string_view(reinterpret_cast<const char*>(d), n), &*known);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t* d = data + 1;
  const size_t n = size - 1;
  switch (data[0] & 7) {
    case 0:
      p0f_text(d, n);
      break;
    case 1:
      syn_headers(d, n);
      break;
    case 2:
      hello(d, n);
      break;
    case 3:
      segments(d, n);
      break;
    case 4:
      icmp(d, n);
      break;
    case 5:
      user_agent(d, n);
      break;
    default:
      break;
  }
  return 0;
}
