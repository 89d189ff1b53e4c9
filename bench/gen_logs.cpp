// Writes a large synthetic log in one of the formats callhome reads, for reader throughput and
// end-to-end benchmarks. Every line is one the reader accepts (`callhome conn --stats` reports
// 0 rejected).
//
//   gen_logs FORMAT OUT SIZE_MB [seed=1]
//     FORMAT: squid iptables filterlog asa winfw table snort eve zeek
//     OUT:    a file, or - for standard output
//
// Traffic model shared by every format: 5000 internal hosts (10.1-20.x.y) browsing a skewed pool
// of 50 000 external servers (443, 80, DNS to the site resolvers, some mail and NTP); one
// attempt in 20 fails or is blocked; 20 hosts beacon to their own server every 60-600 s with
// a few seconds of jitter; 3 hosts scan (tcp/445 outbound, tcp/1214 over a /24, an ICMP
// sweep). Lines come at ~100 per second of log time, starting 2024-03-01 00:00 UTC, so 2 GB
// spans one or two days. Output is deterministic for a seed.
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "synthetic.h"

namespace {

constexpr uint32_t kInternalHosts = 5000;
constexpr uint32_t kServers = 50000;
constexpr uint32_t kBeacons = 20;
constexpr double kT0 = 1709251200.0;  // 2024-03-01 00:00:00 UTC
constexpr double kLinesPerSecond = 100.0;

using callhome::bench::public_v4;
using callhome::bench::Rng;

enum class Kind : uint8_t { browse, dns, other, beacon, scan, sweep };

struct Flow {
  double ts = 0;
  double duration = 0;
  uint32_t src = 0, dst = 0;  // IPv4, host order
  uint16_t sport = 0, dport = 0;
  uint8_t proto = 6;  // 6 tcp, 17 udp, 1 icmp
  bool failed = false;
  uint64_t obytes = 0, rbytes = 0, opkts = 0, rpkts = 0;
  Kind kind = Kind::browse;
  uint64_t seq = 0;  // running number, for uids and connection ids
};

struct Traffic {
  Rng r;
  std::vector<uint16_t> next_port = std::vector<uint16_t>(kInternalHosts, 0);
  std::vector<uint32_t> servers;
  double beacon_next[kBeacons];
  double beacon_period[kBeacons];
  uint32_t scan_next = 0, sweep_next = 0, p2p_next = 0;
  uint64_t n = 0;

  explicit Traffic(uint64_t seed) : r(seed) {
    servers.reserve(kServers);
    for (uint32_t i = 0; i < kServers; ++i) servers.push_back(public_v4(r));
    for (uint32_t i = 0; i < kBeacons; ++i) {
      beacon_period[i] = 60.0 + 30.0 * i;
      beacon_next[i] = kT0 + r.unit() * beacon_period[i];
    }
    for (uint32_t h = 0; h < kInternalHosts; ++h) next_port[h] = uint16_t(49152 + r.below(16000));
  }

  static uint32_t host_addr(uint32_t h) {
    return (10u << 24) | ((1 + h / 250) << 16) | ((h % 250) << 8) | (1 + h % 7 * 30);
  }
  uint16_t port_of(uint32_t h) {
    uint16_t p = next_port[h]++;
    if (next_port[h] < 49152) next_port[h] = 49152;
    return p;
  }

  Flow next() {
    Flow f;
    f.seq = n;
    f.ts = kT0 + double(n) / kLinesPerSecond + r.unit() * 0.009;
    ++n;
    // Beacons fire on their schedule, whatever else the site does.
    for (uint32_t b = 0; b < kBeacons; ++b) {
      if (f.ts >= beacon_next[b]) {
        beacon_next[b] += beacon_period[b] + (r.unit() - 0.5) * 6.0;
        const uint32_t h = 100 + b * 211;
        f.kind = Kind::beacon;
        f.src = host_addr(h);
        f.sport = port_of(h);
        f.dst = servers[kServers - 1 - b];  // a rarely visited server of its own
        f.dport = b % 3 == 0 ? 8080 : 443;
        f.obytes = 310 + r.below(8);
        f.rbytes = 1200 + r.below(8);
        f.opkts = 6;
        f.rpkts = 5;
        f.duration = 0.3 + r.unit() * 0.1;
        return f;
      }
    }
    const uint32_t roll = r.below(1000);
    if (roll < 6) {  // an infected PC scanning random outside hosts on tcp/445
      f.kind = Kind::scan;
      f.src = host_addr(4321);
      f.sport = port_of(4321);
      f.dst = uint32_t(r.next() >> 32) | 0x01000000u;
      f.dport = 445;
      f.failed = true;
      f.opkts = 1;
      f.obytes = 0;
      return f;
    }
    if (roll < 9) {  // a P2P client walking a /24 on tcp/1214
      f.kind = Kind::scan;
      f.src = host_addr(1234);
      f.sport = port_of(1234);
      f.dst = 0x80020A00u | (p2p_next++ % 254 + 1);  // 128.2.10.x
      f.dport = 1214;
      f.failed = true;
      f.opkts = 2;
      return f;
    }
    if (roll < 11) {  // an ICMP sweep of the site's own 10.7/16
      f.kind = Kind::sweep;
      f.src = host_addr(777);
      f.dst = (10u << 24) | (7u << 16) | (sweep_next++ % 65000 + 1);
      f.proto = 1;
      f.sport = 8;
      f.dport = 0;
      f.failed = true;
      f.opkts = 1;
      f.obytes = 56;
      return f;
    }
    const uint32_t h = r.below(kInternalHosts);
    f.src = host_addr(h);
    f.sport = port_of(h);
    const double u = r.unit();
    const auto server = uint32_t(double(kServers - kBeacons) * u * u * u);
    f.dst = servers[server];
    if (roll < 130) {  // DNS to the site resolvers
      f.kind = Kind::dns;
      f.proto = 17;
      f.dst = (10u << 24) | (0u << 16) | (0u << 8) | (2 + r.below(2));
      f.dport = 53;
      f.obytes = 30 + r.below(30);
      f.rbytes = 60 + r.below(200);
      f.opkts = f.rpkts = 1;
      f.duration = 0.002 + r.unit() * 0.05;
      return f;
    }
    if (roll < 150) {  // NTP, mail, ssh
      f.kind = Kind::other;
      static const uint16_t kPorts[] = {123, 25, 587, 993, 22};
      f.dport = kPorts[r.below(5)];
      f.proto = f.dport == 123 ? 17 : 6;
    } else {
      f.kind = Kind::browse;
      f.dport = r.below(10) < 7 ? 443 : 80;
    }
    f.failed = r.below(20) == 0;
    if (f.failed) {
      f.opkts = 1 + r.below(3);
      f.obytes = 0;
    } else {
      f.opkts = 4 + r.below(20);
      f.rpkts = f.opkts + r.below(40);
      f.obytes = 200 + r.below(2000);
      f.rbytes = 500 + r.below(200000);
      f.duration = r.unit() * 30.0;
    }
    return f;
  }
};

// Civil time of a UNIX second (UTC), Howard Hinnant's days_from_civil inverse.
struct Civil {
  int year, month, day, hour, minute, second, usec;
};
Civil civil(double ts) {
  const auto secs = int64_t(ts);
  Civil c{};
  c.usec = int((ts - double(secs)) * 1e6);
  int64_t days = secs / 86400, rem = secs % 86400;
  c.hour = int(rem / 3600);
  c.minute = int(rem / 60 % 60);
  c.second = int(rem % 60);
  days += 719468;
  const int64_t era = days / 146097;
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  c.day = int(doy - (153 * mp + 2) / 5 + 1);
  c.month = int(mp < 10 ? mp + 3 : mp - 9);
  c.year = int(yoe + era * 400 + (c.month <= 2));
  return c;
}
const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct Ip {
  char s[16];
  explicit Ip(uint32_t a) {
    std::snprintf(s, sizeof s, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
  }
};

const char* proto_upper(uint8_t p) {
  return p == 6 ? "TCP" : p == 17 ? "UDP" : "ICMP";
}
const char* proto_lower(uint8_t p) {
  return p == 6 ? "tcp" : p == 17 ? "udp" : "icmp";
}

// Each writer appends one or more lines for a flow to `out`.
class Format {
 public:
  virtual ~Format() = default;
  virtual void header(std::string&) {}
  virtual void write(const Flow& f, std::string& out) = 0;
};

void append(std::string& out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void append(std::string& out, const char* fmt, ...) {
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  const int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > 0) out.append(buf, size_t(n) < sizeof buf ? size_t(n) : sizeof buf - 1);
}

// Squid native access.log: every flow to a web port becomes a request through the proxy.
class Squid : public Format {
 public:
  void write(const Flow& f, std::string& out) override {
    const Ip client(f.src), server(f.dst);
    const auto ms = unsigned(f.duration * 1000);
    const auto ts = unsigned(f.ts);
    const unsigned frac = unsigned((f.ts - ts) * 1000);
    const unsigned site = unsigned(f.dst % 9973);
    if (f.failed) {
      append(out,
             "%u.%03u %6u %s TCP_DENIED/403 3986 GET http://ads%u.example.net/track?id=%llu - "
             "HIER_NONE/- text/html\n",
             ts, frac, ms, client.s, site, static_cast<unsigned long long>(f.seq));
    } else if (f.dport == 443 || f.dport == 8080) {
      append(out,
             "%u.%03u %6u %s TCP_TUNNEL/200 %llu CONNECT www%u.example.com:443 - "
             "HIER_DIRECT/%s -\n",
             ts, frac, ms, client.s, static_cast<unsigned long long>(f.rbytes), site, server.s);
    } else if (f.seq % 17 == 0) {
      append(out,
             "%u.%03u %6u %s TCP_DENIED/407 1759 GET http://update%u.example.org/check.asp - "
             "NONE/- text/html\n",
             ts, frac, ms, client.s, site);
    } else {
      append(out,
             "%u.%03u %6u %s TCP_MISS/200 %llu GET http://www%u.example.com/path/page%llu.html "
             "- DIRECT/%s text/html\n",
             ts, frac, ms, client.s, static_cast<unsigned long long>(f.rbytes), site,
             static_cast<unsigned long long>(f.seq % 1000), server.s);
    }
  }
};

// Linux netfilter LOG lines (ufw, Shorewall, plain prefixes) through a BSD syslog header.
class Iptables : public Format {
 public:
  void write(const Flow& f, std::string& out) override {
    const Civil c = civil(f.ts);
    const Ip src(f.src), dst(f.dst);
    const double up = f.ts - kT0 + 86400.0 * 3;
    const char* prefix = f.failed ? (f.seq % 2 ? "[UFW BLOCK] " : "Shorewall:loc2net:DROP:")
                                  : (f.seq % 2 ? "[UFW ALLOW] " : "Shorewall:loc2net:ACCEPT:");
    append(out, "%s %2d %02d:%02d:%02d gw kernel: [%9.6f] %sIN=eth1 OUT=eth0 SRC=%s DST=%s ",
           kMonths[c.month - 1], c.day, c.hour, c.minute, c.second, up, prefix, src.s, dst.s);
    const unsigned id = unsigned(f.seq & 0xffff);
    if (f.proto == 6) {
      append(out,
             "LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=%u DF PROTO=TCP SPT=%u DPT=%u "
             "WINDOW=64240 RES=0x00 SYN URGP=0\n",
             id, f.sport, f.dport);
    } else if (f.proto == 17) {
      append(out, "LEN=%llu TOS=0x00 PREC=0x00 TTL=63 ID=%u DF PROTO=UDP SPT=%u DPT=%u LEN=%llu\n",
             static_cast<unsigned long long>(f.obytes + 28), id, f.sport, f.dport,
             static_cast<unsigned long long>(f.obytes + 8));
    } else {
      append(out,
             "LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=%u DF PROTO=ICMP TYPE=8 CODE=0 ID=%u "
             "SEQ=1\n",
             id, unsigned(f.seq % 65536));
    }
  }
};

// pfSense / OPNsense filterlog CSV through a syslog header.
class Filterlog : public Format {
 public:
  void write(const Flow& f, std::string& out) override {
    const Civil c = civil(f.ts);
    const Ip src(f.src), dst(f.dst);
    append(out, "<134>%s %2d %02d:%02d:%02d filterlog[72237]: ", kMonths[c.month - 1], c.day,
           c.hour, c.minute, c.second);
    const char* act = f.failed ? "block" : "pass";
    const unsigned id = unsigned(f.seq & 0xffff);
    if (f.proto == 6) {
      append(out,
             "146,,,1535324496,igb1.12,match,%s,in,4,0x0,,63,%u,0,DF,6,tcp,60,%s,%s,%u,%u,0,"
             "S,%u,,64240,,mss;sackOK;TS\n",
             act, id, src.s, dst.s, f.sport, f.dport, unsigned(f.seq * 2654435761u));
    } else if (f.proto == 17) {
      append(out,
             "176,,,1520797901,igb1.12,match,%s,in,4,0xb8,,64,%u,0,none,17,udp,%llu,%s,%s,%u,%u,"
             "%llu\n",
             act, id, static_cast<unsigned long long>(f.obytes + 28), src.s, dst.s, f.sport,
             f.dport, static_cast<unsigned long long>(f.obytes + 8));
    } else {
      append(out,
             "176,,,1520797901,igb1.12,match,%s,in,4,0x0,,64,%u,0,DF,1,icmp,84,%s,%s,request,"
             "%u,1\n",
             act, id, src.s, dst.s, unsigned(f.seq % 65536));
    }
  }
};

// Cisco ASA: denies (106023), and Built/Teardown pairs for allowed connections, the teardown a
// few dozen lines after its build as on a real box.
class Asa : public Format {
 public:
  void write(const Flow& f, std::string& out) override {
    // Teardowns due by now go first.
    while (!pending_.empty() && pending_.front().due <= f.seq) {
      const Pending p = pending_.front();
      pending_.pop_front();
      stamp(f.ts, out);
      const Ip src(p.flow.src), dst(p.flow.dst);
      const auto d = unsigned(f.ts - p.flow.ts);
      if (p.flow.proto == 6) {
        append(out,
               "%%ASA-6-302014: Teardown TCP connection %llu for outside:%s/%u to "
               "inside:%s/%u duration %u:%02u:%02u bytes %llu TCP FINs\n",
               static_cast<unsigned long long>(p.flow.seq), dst.s, p.flow.dport, src.s,
               p.flow.sport, d / 3600, d / 60 % 60, d % 60,
               static_cast<unsigned long long>(p.flow.obytes + p.flow.rbytes));
      } else if (p.flow.proto == 17) {
        append(out,
               "%%ASA-6-302016: Teardown UDP connection %llu for outside:%s/%u to "
               "inside:%s/%u duration %u:%02u:%02u bytes %llu\n",
               static_cast<unsigned long long>(p.flow.seq), dst.s, p.flow.dport, src.s,
               p.flow.sport, d / 3600, d / 60 % 60, d % 60,
               static_cast<unsigned long long>(p.flow.obytes + p.flow.rbytes));
      } else {
        append(out,
               "%%ASA-6-302021: Teardown ICMP connection for faddr %s/%u gaddr "
               "203.0.113.5/%u laddr %s/%u type 8 code 0\n",
               dst.s, unsigned(p.flow.seq % 65536), unsigned(p.flow.seq % 65536), src.s,
               unsigned(p.flow.seq % 65536));
      }
    }
    stamp(f.ts, out);
    const Ip src(f.src), dst(f.dst);
    if (f.failed) {
      append(out,
             "%%ASA-4-106023: Deny %s src inside:%s/%u dst outside:%s/%u by access-group "
             "\"inside_in\" [0x0, 0x0]\n",
             proto_lower(f.proto), src.s, f.proto == 1 ? 8 : f.sport, dst.s,
             f.proto == 1 ? 0 : f.dport);
      return;
    }
    if (f.proto == 6 || f.proto == 17) {
      append(out,
             "%%ASA-6-%u: Built outbound %s connection %llu for outside:%s/%u (%s/%u) to "
             "inside:%s/%u (203.0.113.5/%u)\n",
             f.proto == 6 ? 302013u : 302015u, proto_upper(f.proto),
             static_cast<unsigned long long>(f.seq), dst.s, f.dport, dst.s, f.dport, src.s, f.sport,
             f.sport);
    } else {
      append(out,
             "%%ASA-6-302020: Built outbound ICMP connection for faddr %s/%u gaddr "
             "203.0.113.5/%u laddr %s/%u type 8 code 0\n",
             dst.s, unsigned(f.seq % 65536), unsigned(f.seq % 65536), src.s,
             unsigned(f.seq % 65536));
    }
    pending_.push_back({f, f.seq + 20 + f.seq % 50});
  }

 private:
  struct Pending {
    Flow flow;
    uint64_t due;
  };
  std::deque<Pending> pending_;
  void stamp(double ts, std::string& out) {
    const Civil c = civil(ts);
    append(out, "%s %2d %d %02d:%02d:%02d fw01 ", kMonths[c.month - 1], c.day, c.year, c.hour,
           c.minute, c.second);
  }
};

// Windows Firewall pfirewall.log (W3C extended, CRLF line ends).
class WinFw : public Format {
 public:
  void header(std::string& out) override {
    out +=
        "#Version: 1.5\r\n#Software: Microsoft Windows Firewall\r\n#Time Format: Local\r\n"
        "#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn "
        "tcpack tcpwin icmptype icmpcode info path pid\r\n\r\n";
  }
  void write(const Flow& f, std::string& out) override {
    const Civil c = civil(f.ts);
    const Ip src(f.src), dst(f.dst);
    append(out, "%d-%02d-%02d %02d:%02d:%02d %s %s %s %s ", c.year, c.month, c.day, c.hour,
           c.minute, c.second, f.failed ? "DROP" : "ALLOW", proto_upper(f.proto), src.s, dst.s);
    if (f.proto == 6) {
      append(out, "%u %u %s S %u 0 64240 - - - SEND %u\r\n", f.sport, f.dport,
             f.failed ? "0" : "52", unsigned(f.seq * 2654435761u), 1000 + unsigned(f.src % 9000));
    } else if (f.proto == 17) {
      append(out, "%u %u %llu - - - - - - - SEND %u\r\n", f.sport, f.dport,
             static_cast<unsigned long long>(f.obytes + 28), 880u);
    } else {
      append(out, "- - 84 - - - - 8 0 - SEND 4\r\n");
    }
  }
};

// A firewall export pasted as a Markdown table, like Case 2's (no verdict column).
class Table : public Format {
 public:
  void header(std::string& out) override {
    out +=
        "Firewall log export\n\n"
        "| Date | Time | Protocol | Source IP | Source Port | Destination IP | Destination Port "
        "|\n|---|---|---|---|---|---|---|\n";
  }
  void write(const Flow& f, std::string& out) override {
    const Civil c = civil(f.ts);
    const Ip src(f.src), dst(f.dst);
    const char* name = f.dport == 80    ? " (HTTP)"
                       : f.dport == 443 ? " (HTTPS)"
                       : f.dport == 53  ? " (DNS)"
                                        : "";
    if (f.proto == 1) {
      append(out, "| %02d-%s-%02d | %02d:%02d:%02d | ICMP | %s | 8 | %s | 0 |\n", c.day,
             kMonths[c.month - 1], c.year % 100, c.hour, c.minute, c.second, src.s, dst.s);
      return;
    }
    append(out, "| %02d-%s-%02d | %02d:%02d:%02d | %s | %s | %u | %s | %u%s |\n", c.day,
           kMonths[c.month - 1], c.year % 100, c.hour, c.minute, c.second, proto_upper(f.proto),
           src.s, f.sport, dst.s, f.dport, name);
  }
};

struct Signature {
  unsigned sid, rev;
  const char* msg;
  const char* cls;
  int prio;
};
const Signature kSignatures[] = {
    {2012811, 2, "ET DNS DNS Query to a .tk domain - Likely Hostile", "Potentially Bad Traffic", 2},
    {2001569, 14, "ET SCAN Behavioral Unusual Port 445 traffic Potential Scan or Infection",
     "Misc activity", 3},
    {2008578, 6, "ET SCAN Sipvicious Scan", "Attempted Information Leak", 2},
    {2013028, 7, "ET POLICY curl User-Agent Outbound", "Attempted Information Leak", 2},
    {2019401, 3, "ET POLICY Vulnerable Java Version 1.8.x Detected", "Potentially Bad Traffic", 2},
    {2402000, 6512, "ET DROP Dshield Block Listed Source group 1", "Misc Attack", 2},
    {2027865, 4, "ET INFO Observed DNS Query to .cloud TLD", "Potentially Bad Traffic", 2},
    {2014520, 9, "ET TROJAN Win32/Kelihos.F Checkin", "A Network Trojan was Detected", 1},
};
constexpr unsigned kSignatureCount = sizeof kSignatures / sizeof kSignatures[0];

// Snort 2 fast alerts (no year in the timestamp).
class Snort : public Format {
 public:
  void write(const Flow& f, std::string& out) override {
    const Civil c = civil(f.ts);
    const Ip src(f.src), dst(f.dst);
    const Signature& s = kSignatures[f.kind == Kind::scan ? 1 : f.seq % kSignatureCount];
    append(out,
           "%02d/%02d-%02d:%02d:%02d.%06d  [**] [1:%u:%u] %s [**] [Classification: %s] "
           "[Priority: %d] {%s} ",
           c.month, c.day, c.hour, c.minute, c.second, c.usec, s.sid, s.rev, s.msg, s.cls, s.prio,
           proto_upper(f.proto));
    if (f.proto == 1) {
      append(out, "%s -> %s\n", src.s, dst.s);
    } else {
      append(out, "%s:%u -> %s:%u\n", src.s, f.sport, dst.s, f.dport);
    }
  }
};

struct IsoTime {
  char s[40];
  explicit IsoTime(double ts) {
    const Civil c = civil(ts);
    std::snprintf(s, sizeof s, "%d-%02d-%02dT%02d:%02d:%02d.%06d+0000", c.year, c.month, c.day,
                  c.hour, c.minute, c.second, c.usec);
  }
};

// Suricata eve.json: flow records for every flow, plus dns answers, http requests and alerts.
class Eve : public Format {
 public:
  void write(const Flow& f, std::string& out) override {
    const IsoTime start(f.ts), end(f.ts + f.duration);
    const Ip src(f.src), dst(f.dst);
    const auto id = static_cast<unsigned long long>(f.seq * 2654435761ull % 2251799813685247ull);
    if (f.kind == Kind::dns && f.seq % 2 == 0) {
      append(out,
             "{\"timestamp\":\"%s\",\"flow_id\":%llu,\"in_iface\":\"eth0\",\"event_type\":"
             "\"dns\",\"src_ip\":\"%s\",\"src_port\":%u,\"dest_ip\":\"%s\",\"dest_port\":53,"
             "\"proto\":\"UDP\",\"dns\":{\"version\":2,\"type\":\"answer\",\"id\":%u,\"flags\":"
             "\"8180\",\"rrname\":\"www%u.example.com\",\"rrtype\":\"A\",\"rcode\":\"NOERROR\","
             "\"answers\":[{\"rrname\":\"www%u.example.com\",\"rrtype\":\"A\",\"ttl\":300,"
             "\"rdata\":\"%s\"}],\"grouped\":{\"A\":[\"%s\"]}}}\n",
             end.s, id, src.s, f.sport, dst.s, unsigned(f.seq % 65536), unsigned(f.seq % 9973),
             unsigned(f.seq % 9973), Ip(f.src ^ 0x5a5a5a).s, Ip(f.src ^ 0x5a5a5a).s);
    } else if (f.kind == Kind::browse && f.dport == 80 && !f.failed && f.seq % 3 == 0) {
      append(out,
             "{\"timestamp\":\"%s\",\"flow_id\":%llu,\"in_iface\":\"eth0\",\"event_type\":"
             "\"http\",\"src_ip\":\"%s\",\"src_port\":%u,\"dest_ip\":\"%s\",\"dest_port\":80,"
             "\"proto\":\"TCP\",\"tx_id\":0,\"http\":{\"hostname\":\"www%u.example.com\","
             "\"url\":\"\\/path\\/page%u.html\",\"http_user_agent\":\"Mozilla\\/5.0 (Windows NT "
             "10.0; Win64; x64)\",\"http_content_type\":\"text\\/html\",\"http_method\":\"GET\","
             "\"protocol\":\"HTTP\\/1.1\",\"status\":200,\"length\":%llu}}\n",
             start.s, id, src.s, f.sport, dst.s, unsigned(f.dst % 9973), unsigned(f.seq % 1000),
             static_cast<unsigned long long>(f.rbytes));
    } else if ((f.kind == Kind::scan && f.seq % 4 == 0) || f.seq % 97 == 0) {
      const Signature& s = kSignatures[f.kind == Kind::scan ? 1 : f.seq % kSignatureCount];
      append(out,
             "{\"timestamp\":\"%s\",\"flow_id\":%llu,\"in_iface\":\"eth0\",\"event_type\":"
             "\"alert\",\"src_ip\":\"%s\",\"src_port\":%u,\"dest_ip\":\"%s\",\"dest_port\":%u,"
             "\"proto\":\"%s\",\"alert\":{\"action\":\"allowed\",\"gid\":1,\"signature_id\":%u,"
             "\"rev\":%u,\"signature\":\"%s\",\"category\":\"%s\",\"severity\":%d}}\n",
             start.s, id, src.s, f.sport, dst.s, f.dport, proto_upper(f.proto), s.sid, s.rev, s.msg,
             s.cls, s.prio);
    } else if (f.proto == 1) {
      append(out,
             "{\"timestamp\":\"%s\",\"flow_id\":%llu,\"event_type\":\"flow\",\"src_ip\":"
             "\"%s\",\"dest_ip\":\"%s\",\"proto\":\"ICMP\",\"icmp_type\":8,\"icmp_code\":0,"
             "\"flow\":{\"pkts_toserver\":1,\"pkts_toclient\":0,\"bytes_toserver\":98,"
             "\"bytes_toclient\":0,\"start\":\"%s\",\"end\":\"%s\",\"age\":0,\"state\":\"new\","
             "\"reason\":\"timeout\",\"alerted\":false}}\n",
             end.s, id, src.s, dst.s, start.s, end.s);
    } else {
      const bool tcp = f.proto == 6;
      append(out,
             "{\"timestamp\":\"%s\",\"flow_id\":%llu,\"in_iface\":\"eth0\",\"event_type\":"
             "\"flow\",\"src_ip\":\"%s\",\"src_port\":%u,\"dest_ip\":\"%s\",\"dest_port\":%u,"
             "\"proto\":\"%s\",\"flow\":{\"pkts_toserver\":%llu,\"pkts_toclient\":%llu,"
             "\"bytes_toserver\":%llu,\"bytes_toclient\":%llu,\"start\":\"%s\",\"end\":\"%s\","
             "\"age\":%u,\"state\":\"%s\",\"reason\":\"timeout\",\"alerted\":false}",
             end.s, id, src.s, f.sport, dst.s, f.dport, tcp ? "TCP" : "UDP",
             static_cast<unsigned long long>(f.opkts), static_cast<unsigned long long>(f.rpkts),
             static_cast<unsigned long long>(f.opkts * 60 + f.obytes),
             static_cast<unsigned long long>(f.rpkts * 60 + f.rbytes), start.s, end.s,
             unsigned(f.duration), f.failed ? "new" : "closed");
      if (tcp) {
        append(out, f.failed ? ",\"tcp\":{\"tcp_flags\":\"02\",\"tcp_flags_ts\":\"02\","
                               "\"tcp_flags_tc\":\"00\",\"syn\":true,\"state\":\"syn_sent\"}}\n"
                             : ",\"tcp\":{\"tcp_flags\":\"1b\",\"tcp_flags_ts\":\"1b\","
                               "\"tcp_flags_tc\":\"1b\",\"syn\":true,\"fin\":true,\"psh\":true,"
                               "\"ack\":true,\"state\":\"closed\"}}\n");
      } else {
        out += "}\n";
      }
    }
  }
};

// Zeek conn.log, TSV with its header.
class Zeek : public Format {
 public:
  void header(std::string& out) override {
    out +=
        "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
        "#path\tconn\n#open\t2024-03-01-00-00-00\n"
        "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\t"
        "orig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\t"
        "orig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\n"
        "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\t"
        "string\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\n";
  }
  void write(const Flow& f, std::string& out) override {
    static const char kB62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    char uid[19] = "C";
    uint64_t x = f.seq * 0x9E3779B97F4A7C15ull + 12345;
    for (int i = 1; i < 18; ++i) {
      uid[i] = kB62[x % 62];
      x = x / 62 + uint64_t(i) * 0x1234567ull;
    }
    uid[18] = 0;
    const Ip src(f.src), dst(f.dst);
    const bool local_resp = (f.dst >> 24) == 10;
    const char* service = f.dport == 53    ? "dns"
                          : f.dport == 80  ? "http"
                          : f.dport == 443 ? "ssl"
                                           : "-";
    if (f.proto == 1) {
      append(out, "%.6f\t%s\t%s\t8\t%s\t0\ticmp\t-\t-\t-\t-\tOTH\tT\t%s\t0\t-\t1\t84\t0\t0\t-\n",
             f.ts, uid, src.s, dst.s, local_resp ? "T" : "F");
    } else if (f.failed) {
      const bool rej = f.seq % 3 == 0;
      append(out,
             "%.6f\t%s\t%s\t%u\t%s\t%u\t%s\t-\t%s\t0\t0\t%s\tT\t%s\t0\t%s\t%llu\t%llu\t%u\t%u\t-\n",
             f.ts, uid, src.s, f.sport, dst.s, f.dport, proto_lower(f.proto),
             rej ? "0.000310" : "-", rej ? "REJ" : "S0", local_resp ? "T" : "F", rej ? "Sr" : "S",
             static_cast<unsigned long long>(f.opkts),
             static_cast<unsigned long long>(f.opkts * 60), rej ? 1u : 0u, rej ? 40u : 0u);
    } else {
      append(out,
             "%.6f\t%s\t%s\t%u\t%s\t%u\t%s\t%s\t%.6f\t%llu\t%llu\tSF\tT\t%s\t0\t%s\t%llu\t%llu\t"
             "%llu\t%llu\t-\n",
             f.ts, uid, src.s, f.sport, dst.s, f.dport, proto_lower(f.proto), service, f.duration,
             static_cast<unsigned long long>(f.obytes), static_cast<unsigned long long>(f.rbytes),
             local_resp ? "T" : "F", f.proto == 6 ? "ShADadFf" : "Dd",
             static_cast<unsigned long long>(f.opkts),
             static_cast<unsigned long long>(f.opkts * 40 + f.obytes),
             static_cast<unsigned long long>(f.rpkts),
             static_cast<unsigned long long>(f.rpkts * 40 + f.rbytes));
    }
  }
};

Format* make_format(std::string_view name) {
  if (name == "squid") return new Squid;
  if (name == "iptables") return new Iptables;
  if (name == "filterlog") return new Filterlog;
  if (name == "asa") return new Asa;
  if (name == "winfw") return new WinFw;
  if (name == "table") return new Table;
  if (name == "snort") return new Snort;
  if (name == "eve") return new Eve;
  if (name == "zeek") return new Zeek;
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr,
                 "usage: gen_logs FORMAT OUT SIZE_MB [seed]\n"
                 "  FORMAT: squid iptables filterlog asa winfw table snort eve zeek\n");
    return 2;
  }
  Format* format = make_format(argv[1]);
  if (!format) {
    std::fprintf(stderr, "gen_logs: unknown format %s\n", argv[1]);
    return 2;
  }
  const std::string_view path = argv[2];
  const uint64_t target = uint64_t(std::strtoull(argv[3], nullptr, 10)) << 20;
  const uint64_t seed = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 1;
  std::FILE* f = path == "-" ? stdout : std::fopen(argv[2], "wb");
  if (!f) {
    std::perror(argv[2]);
    return 1;
  }
  Traffic traffic(seed);
  std::string buf;
  buf.reserve(size_t(1) << 20);
  format->header(buf);
  uint64_t written = 0, lines = 0;
  while (written + buf.size() < target) {
    format->write(traffic.next(), buf);
    ++lines;
    if (buf.size() >= (size_t(1) << 20) - 8192) {
      if (std::fwrite(buf.data(), 1, buf.size(), f) != buf.size()) {
        std::perror("gen_logs: write");
        return 1;
      }
      written += buf.size();
      buf.clear();
    }
  }
  if (!buf.empty() && std::fwrite(buf.data(), 1, buf.size(), f) != buf.size()) {
    std::perror("gen_logs: write");
    return 1;
  }
  written += buf.size();
  if (f != stdout && std::fclose(f) != 0) {
    std::perror("gen_logs: close");
    return 1;
  }
  std::fprintf(stderr, "gen_logs: %s: %llu bytes, %llu flows\n", argv[1],
               static_cast<unsigned long long>(written), static_cast<unsigned long long>(lines));
  delete format;
  return 0;
}
