#!/usr/bin/python3
"""Writes the scenario fixtures of callhome's end-to-end tests, modelled on ../shared/CASES.md.

Every packet and line is synthetic and written here; the quantities follow the cases:

  case1-day/       Case 1's incident day: the Snort-side capture of the unattended tcp/1214 scan
                   (33 SYNs, 11 hosts, 34 s) and the Squid log of the same PC, plus a second PC
                   that only browses in the evening.
  case1-lab/       Case 1's lab reproduction: HTTP through the proxy, crafted ICMP echoes answered
                   by time-exceeded, supernode DNS lookups, SYNs to 1214, then 80, then 8080.
  case2-table/     Case 2: twelve PCs and a consultant's laptop whose update agents retry blocked
  case2-iptables/  direct web connections to Akamai on a schedule, serially (source port + 1);
  case2-asa/       the same firewall events as the admin's table export, iptables syslog lines and
                   Cisco ASA syslog lines, each beside the same Squid log.
  control-ddos/    three hosts SYN-flooding one address, one UDP-flooding it, beside browsing.
  control-c2/      a host checking in with a C2 server every ~5 minutes with jitter, beside
                   browsing and NTP on several hosts.

Each directory holds evidence/ and the site profile site.toml. File times are set to the evidence's day, as
copies made with their dates kept would be, so that year inference has something to go on.

Usage: /usr/bin/python3 tests/scenarios/make_scenarios.py OUTDIR [SCENARIO ...]
(Debian's python3 with python3-scapy.)
"""
import calendar
import os
import random
import sys
import time

from scapy.all import DNS, DNSQR, DNSRR, ICMP, IP, TCP, UDP, Ether, Raw
from scapy.utils import PcapWriter

MAC_HOST, MAC_GW = "00:10:5a:01:02:03", "00:60:08:0a:0b:0c"


def utc(y, mo, d, h, mi, s=0.0):
    return calendar.timegm((y, mo, d, h, mi, 0, 0, 0, 0)) + s


class Capture:
    """Packets collected out of order and written sorted by time, as one sniffer would see them."""

    def __init__(self):
        self.packets = []
        self.isn = 1000

    def add(self, t, pkt):
        pkt = Ether(src=MAC_HOST, dst=MAC_GW) / pkt
        pkt.time = t
        self.packets.append(pkt)

    def syn(self, t, src, sport, dst, dport, tries=(0.0,)):
        """Unanswered SYNs: the first try and its retransmissions, all with one sequence number."""
        self.isn += 7919
        for dt in tries:
            self.add(t + dt, IP(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags="S", seq=self.isn))

    def refused(self, t, src, sport, dst, dport):
        self.isn += 7919
        self.add(t, IP(src=src, dst=dst) / TCP(sport=sport, dport=dport, flags="S", seq=self.isn))
        self.add(t + 0.08, IP(src=dst, dst=src) / TCP(sport=dport, dport=sport, flags="RA", seq=0, ack=self.isn + 1))

    def exchange(self, t, src, sport, dst, dport, request, response, rtt=0.04):
        """A complete TCP connection: handshake, one request, one response, FIN both ways."""
        self.isn += 7919
        c, s = self.isn, self.isn * 3 % 4000000000
        a = IP(src=src, dst=dst)
        b = IP(src=dst, dst=src)
        self.add(t, a / TCP(sport=sport, dport=dport, flags="S", seq=c))
        self.add(t + rtt, b / TCP(sport=dport, dport=sport, flags="SA", seq=s, ack=c + 1))
        self.add(t + rtt + 0.001, a / TCP(sport=sport, dport=dport, flags="A", seq=c + 1, ack=s + 1))
        self.add(t + rtt + 0.002, a / TCP(sport=sport, dport=dport, flags="PA", seq=c + 1, ack=s + 1) / Raw(request))
        c2 = c + 1 + len(request)
        self.add(t + 2 * rtt + 0.05, b / TCP(sport=dport, dport=sport, flags="PA", seq=s + 1, ack=c2) / Raw(response))
        s2 = s + 1 + len(response)
        self.add(t + 2 * rtt + 0.06, a / TCP(sport=sport, dport=dport, flags="FA", seq=c2, ack=s2))
        self.add(t + 3 * rtt + 0.06, b / TCP(sport=dport, dport=sport, flags="FA", seq=s2, ack=c2 + 1))
        self.add(t + 3 * rtt + 0.061, a / TCP(sport=sport, dport=dport, flags="A", seq=c2 + 1, ack=s2 + 1))

    def http(self, t, src, sport, dst, host, path="/", dport=80, method="GET", body=b""):
        req = (f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: Mozilla/4.0 (compatible; MSIE 6.0)\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        self.exchange(t, src, sport, dst, dport, req, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    def dns(self, t, client, sport, server, name, answer, qid):
        q = DNS(id=qid, rd=1, qd=DNSQR(qname=name))
        self.add(t, IP(src=client, dst=server) / UDP(sport=sport, dport=53) / q)
        r = DNS(id=qid, qr=1, rd=1, ra=1, qd=DNSQR(qname=name), an=DNSRR(rrname=name, type="A", ttl=300, rdata=answer))
        self.add(t + 0.02, IP(src=server, dst=client) / UDP(sport=53, dport=sport) / r)

    def ntp(self, t, client, server):
        mode3 = bytes([0x23]) + bytes(47)
        mode4 = bytes([0x24, 2]) + bytes(46)
        self.add(t, IP(src=client, dst=server) / UDP(sport=123, dport=123) / Raw(mode3))
        self.add(t + 0.03, IP(src=server, dst=client) / UDP(sport=123, dport=123) / Raw(mode4))

    def write(self, path):
        self.packets.sort(key=lambda p: p.time)
        w = PcapWriter(path, linktype=1, sync=False)
        for p in self.packets:
            w.write(p)
        w.close()


def squid_line(t, client, status, size, method, url, hierarchy, ctype, elapsed=120):
    return f"{t:.3f} {elapsed:6d} {client} {status} {size} {method} {url} - {hierarchy} {ctype}\n"


def write(path, text, when):
    with open(path, "w", newline="") as f:
        f.write(text)
    os.utime(path, (when, when))


def site(path, internal, tz, proxy=None, business=None, idle=None):
    lines = ["[network]", f'internal = ["{internal}"]', f'timezone = "{tz}"', ""]
    if proxy:
        lines += ["[proxy]", f'address = "{proxy}"', ""]
    if business or idle:
        lines.append("[schedule]")
        if business:
            lines.append(f'business = ["{business}"]')
        if idle:
            lines.append(f'idle = ["{idle}"]')
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


# ---------------------------------------------------------------------------------------------
# Case 1: a home network, 2001-05-16 (a Wednesday), America/Chicago (CDT, UTC-5).

C1_PC, C1_OTHER, C1_PROXY, C1_GW = "192.168.1.3", "192.168.1.4", "192.168.1.2", "192.168.1.1"
# Universities in the US, NL, SE, CA, GB, DE, a US cable modem and a GB ISP.
C1_SCAN_TARGETS = ["128.2.10.11", "128.2.10.12", "131.155.140.6", "130.237.222.71", "142.104.6.1",
                   "128.232.0.20", "134.76.10.46", "24.141.7.32", "194.72.9.34", "129.79.5.100",
                   "138.38.32.14"]


def case1_site(d):
    site(os.path.join(d, "..", "site.toml"), "192.168.1.0/24", "America/Chicago", proxy=f"{C1_PROXY}:3128",
         business="Mon-Fri 17:00-23:00", idle="Mon-Fri 08:00-15:30")


def case1_day(d):
    t0 = utc(2001, 5, 16, 18, 58)  # 1:58 PM in Chicago, nobody home
    cap = Capture()
    # 33 SYNs to tcp/1214 on 11 hosts within 34 s: Windows 98 tries each three times (0, 3, 9 s),
    # one new host every 2.2 s, source ports handed out one after another.
    for n, dst in enumerate(C1_SCAN_TARGETS):
        cap.syn(t0 + 2.2 * n, C1_PC, 1100 + n, dst, 1214, tries=(0.0, 3.0, 9.0))
    cap.write(os.path.join(d, "snort-inside.pcap"))

    lines = [
        squid_line(t0 + 12.4, C1_PC, "TCP_MISS/200", 4712, "GET", "http://musiccity.streamcastnetworks.com/",
                   "DIRECT/musiccity.streamcastnetworks.com", "text/html"),
        squid_line(t0 + 45 * 60, C1_PC, "TCP_MISS/503", 1432, "GET", "http://musiccity.com/", "NONE/-",
                   "text/html", elapsed=30012),
        squid_line(t0 + 75 * 60, C1_PC, "TCP_MISS/200", 15210, "GET", "http://msn.com/", "DIRECT/msn.com",
                   "text/html"),
        squid_line(t0 + 105 * 60, C1_PC, "TCP_MISS/200", 3920, "GET",
                   "http://musiccity.streamcastnetworks.com/ads/banner.html",
                   "DIRECT/musiccity.streamcastnetworks.com", "text/html"),
        # Verbatim from Case 1.
        "990049564.625 873 192.168.1.3 TCP_MISS/200 303 POST "
        "http://updaterservice.wildtangent.com/appupdate/appcheckin.wss - DIRECT/updaterservice.wildtangent.com "
        "text/plain\n",
    ]
    # The other PC browses in the evening, when the family is back.
    rng = random.Random(11)
    t = utc(2001, 5, 16, 23, 10)
    for site_name in ["www.cnn.com", "www.yahoo.com", "www.ebay.com", "www.weather.com", "www.google.com"] * 4:
        t += rng.uniform(20, 240)
        lines.append(squid_line(t, C1_OTHER, "TCP_MISS/200", rng.randint(900, 40000), "GET",
                                f"http://{site_name}/", f"DIRECT/{site_name}", "text/html"))
    lines.sort(key=lambda s: float(s.split()[0]))
    write(os.path.join(d, "squid-access.log"), "".join(lines), t0 + 86400)
    os.utime(os.path.join(d, "snort-inside.pcap"), (t0 + 86400, t0 + 86400))
    case1_site(d)


def case1_lab(d):
    t0 = utc(2001, 5, 20, 16, 0)  # a Sunday afternoon in the lab VM
    cap = Capture()
    pc, proxy = C1_PC, C1_PROXY
    cap.exchange(t0, pc, 1031, proxy, 3128,
                 b"GET http://musiccity.streamcastnetworks.com/ HTTP/1.0\r\nHost: musiccity.streamcastnetworks.com\r\n\r\n",
                 b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>ok</html>")
    cap.exchange(t0 + 1, pc, 1032, proxy, 3128,
                 b"GET http://www.musiccity.com/ HTTP/1.0\r\nHost: www.musiccity.com\r\n\r\n",
                 b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html>ok</html>")
    # Crafted echo requests, answered by time exceeded from the very addresses probed.
    for i, dst in enumerate(["204.152.197.197", "130.244.215.233", "202.139.195.203", "202.232.17.87"]):
        echo = IP(src=pc, dst=dst, ttl=1) / ICMP(type=8, id=0x200, seq=i) / Raw(b"kazaa probe")
        cap.add(t0 + 5 + i, echo)
        cap.add(t0 + 5.1 + i, IP(src=dst, dst=pc) / ICMP(type=11, code=0) / bytes(echo)[:28])
    sn = "206.142.53.27"
    cap.syn(t0 + 10, pc, 1040, sn, 1214, tries=(0.0, 3.0, 9.0))
    names = [f"supernode{i}.streamcastnetworks.com" for i in range(1, 5)] + ["supernode.kazaa.com"]
    for i, name in enumerate(names):
        cap.dns(t0 + 20 + i, pc, 1050 + i, C1_GW, name, "206.142.53.%d" % (27 + i), 300 + i)
    cap.syn(t0 + 30, pc, 1060, sn, 1214, tries=(0.0, 3.0, 9.0))
    cap.syn(t0 + 45, pc, 1061, sn, 80, tries=(0.0, 3.0, 9.0))  # outbound 80 is blocked there
    cap.exchange(t0 + 60, pc, 1062, sn, 8080, b"GET /supernode HTTP/1.0\r\n\r\n", b"HTTP/1.0 200 OK\r\n\r\nnodes")
    cap.syn(t0 + 75, pc, 1063, sn, 1214, tries=(0.0, 3.0, 9.0))
    cap.syn(t0 + 95, pc, 1064, "206.142.53.28", 1214, tries=(0.0, 3.0, 9.0))
    cap.write(os.path.join(d, "lab-tcpdump.pcap"))
    os.utime(os.path.join(d, "lab-tcpdump.pcap"), (t0 + 3600, t0 + 3600))
    case1_site(d)


# ---------------------------------------------------------------------------------------------
# Case 2: a government department, 2006-11-17 (a Friday), America/New_York (EST, UTC-5).

C2_PCS = [f"192.168.0.{n}" for n in range(10, 22)]  # twelve HP PCs; .13 is the one in the excerpt
C2_CONSULTANT = "192.168.0.77"
C2_PROXY = "192.168.0.5"
AKAMAI = [f"72.246.53.{n}" for n in range(80, 100)]
MICROSOFT = ["207.46.19.190", "207.46.19.254", "65.55.21.250"]
C2_TZ_OFFSET = 5 * 3600  # EST


def case2_events():
    """Blocked outbound attempts: (utc_ts, src, sport, dst, dport), newest last."""
    rng = random.Random(2006)
    events = []
    day = utc(2006, 11, 17, 0, 0) + C2_TZ_OFFSET  # local midnight
    for n, host in enumerate(C2_PCS + [C2_CONSULTANT]):
        port = 1100 + rng.randint(0, 800)
        start = day + 8 * 3600 + rng.uniform(0, 3600)  # first run within the first office hour
        interval = 3600  # the updater's schedule: once an hour
        targets = AKAMAI if host != C2_CONSULTANT else AKAMAI[5:15]
        t = start
        while t < day + 18 * 3600:
            # 5 attempts a second apart, an 18 s pause, then 14 more, source port + 1 each time.
            for k in range(5):
                events.append((t + k, host, port, rng.choice(targets), 80))
                port += 1
            port += 1  # one port used elsewhere (e.g. a DNS lookup) during the pause
            for k in range(14):
                events.append((t + 22 + k * 0.77, host, port, rng.choice(targets), 80))
                port += 1
            port += rng.randint(20, 200)  # other programs' connections in between
            t += interval + rng.uniform(-20, 20)
        if host == C2_CONSULTANT:
            # Microsoft's updater takes IE's settings, and IE has no proxy configured.
            for k in range(6):
                events.append((day + 9.5 * 3600 + k * 1800 + rng.uniform(0, 60), host, 3000 + 2 * k,
                               rng.choice(MICROSOFT), 80))
    events.sort()
    return events


def case2_squid(d):
    """The sanctioned way out: IE on the PCs and Firefox on the laptop, through the proxy."""
    rng = random.Random(17)
    day = utc(2006, 11, 17, 0, 0) + C2_TZ_OFFSET
    sites = ["www.nytimes.com", "www.usa.gov", "www.weather.gov", "www.google.com", "en.wikipedia.org",
             "www.microsoft.com", "www.cnn.com", "www.irs.gov"]
    lines = []
    for host in C2_PCS + [C2_CONSULTANT]:
        for _ in range(25):
            t = day + rng.uniform(8.5 * 3600, 17 * 3600)
            s = rng.choice(sites)
            lines.append((t, squid_line(t, host, "TCP_MISS/200", rng.randint(800, 60000), "GET",
                                        f"http://{s}/{rng.randint(1, 999)}.html", f"DIRECT/{s}", "text/html")))
    lines.sort()
    write(os.path.join(d, "squid-access.log"), "".join(x[1] for x in lines), day + 86400)


def case2_site(d):
    site(os.path.join(d, "..", "site.toml"), "192.168.0.0/24", "America/New_York", proxy=f"{C2_PROXY}:8080",
         business="Mon-Fri 08:00-18:00")


def local_struct(ts):
    return time.gmtime(ts - C2_TZ_OFFSET)


def case2_table(d):
    """The admin's export: newest first, local time, as in Case 2."""
    rows = ["Firewall log (blocked, newest first)", "",
            "| Date | Time | Protocol | Source IP | Source Port | Destination IP | Destination Port |",
            "|---|---|---|---|---|---|---|"]
    for ts, src, sport, dst, dport in reversed(case2_events()):
        lt = local_struct(ts)
        rows.append(f"| {time.strftime('%d-%b-%y', lt)} | {time.strftime('%H:%M:%S', lt)} | TCP | {src} | "
                    f"{sport} | {dst} | {dport} (HTTP) |")
    day = utc(2006, 11, 18, 0, 0)
    write(os.path.join(d, "firewall-blocked.txt"), "\n".join(rows) + "\n", day)
    case2_squid(d)
    case2_site(d)


def case2_iptables(d):
    lines = []
    for i, (ts, src, sport, dst, dport) in enumerate(case2_events()):
        lt = local_struct(ts)
        stamp = time.strftime("%b %e %H:%M:%S", lt)
        lines.append(f"{stamp} fw kernel: [OUT-BLOCK] IN=eth1 OUT=eth0 SRC={src} DST={dst} LEN=48 TOS=0x00 "
                     f"PREC=0x00 TTL=127 ID={(i * 37) % 65536} DF PROTO=TCP SPT={sport} DPT={dport} WINDOW=64240 "
                     f"RES=0x00 SYN URGP=0\n")
    write(os.path.join(d, "fw-kern.log"), "".join(lines), utc(2006, 11, 18, 0, 0))
    case2_squid(d)
    case2_site(d)


def case2_asa(d):
    lines = []
    for ts, src, sport, dst, dport in case2_events():
        stamp = time.strftime("%b %e %H:%M:%S", local_struct(ts))
        lines.append(f"{stamp} fw01 %ASA-4-106023: Deny tcp src inside:{src}/{sport} dst outside:{dst}/{dport} "
                     f"by access-group \"inside_out\" [0x0, 0x0]\n")
    write(os.path.join(d, "asa.log"), "".join(lines), utc(2006, 11, 18, 0, 0))
    case2_squid(d)
    case2_site(d)


# ---------------------------------------------------------------------------------------------
# Controls on a company network, 2024-03-12 (a Tuesday), UTC.

def browsing(cap, rng, hosts, start, end, count, resolver):
    sites = [("www.wikipedia.org", "185.15.59.224"), ("github.com", "140.82.112.3"),
             ("www.debian.org", "130.89.148.77"), ("news.ycombinator.com", "209.216.230.240"),
             ("www.bbc.co.uk", "151.101.0.81"), ("www.google.com", "142.250.185.68"),
             ("stackoverflow.com", "151.101.1.69"), ("www.python.org", "151.101.128.223")]
    for i in range(count):
        host = rng.choice(hosts)
        name, addr = rng.choice(sites)
        t = rng.uniform(start, end)
        cap.dns(t, host, 20000 + i, resolver, name, addr, 1000 + i)
        cap.http(t + 0.1, host, 40000 + i, addr, name, f"/page{rng.randint(1, 500)}")


def control_site(d, internal):
    site(os.path.join(d, "..", "site.toml"), internal, "UTC", business="Mon-Fri 08:00-18:00")


def control_ddos(d):
    rng = random.Random(7)
    cap = Capture()
    hosts = ["10.1.0.21", "10.1.0.22", "10.1.0.23", "10.1.0.24", "10.1.0.30", "10.1.0.31"]
    victim = "88.198.23.4"  # a rented server (Hetzner)
    t0 = utc(2024, 3, 12, 14, 0)
    browsing(cap, rng, hosts, t0 - 1800, t0 + 1800, 60, "10.1.0.1")
    for h in hosts[:3]:  # a SYN flood at ~500 packets a second for 4 s, random source ports
        t = t0 + rng.uniform(0, 1)
        for k in range(2000):
            cap.add(t + k * 0.002, IP(src=h, dst=victim) / TCP(sport=rng.randint(1024, 65535), dport=80, flags="S",
                                                                seq=rng.randint(0, 2**32 - 1)))
    t = t0 + 10  # a UDP flood of the same target from a fourth host
    for k in range(2500):
        cap.add(t + k * 0.0015, IP(src=hosts[3], dst=victim) / UDP(sport=rng.randint(1024, 65535), dport=53) /
                Raw(b"\x00" * 64))
    cap.write(os.path.join(d, "span-port.pcap"))
    control_site(d, "10.1.0.0/16")


def control_c2(d):
    rng = random.Random(31)
    cap = Capture()
    implant, others = "10.2.0.31", ["10.2.0.40", "10.2.0.41", "10.2.0.42"]
    c2 = "91.219.236.18"
    start = utc(2024, 3, 12, 7, 0)
    end = start + 10 * 3600
    browsing(cap, rng, [implant] + others, start + 3600, end - 1800, 150, "10.2.0.1")
    cap.dns(start + 5, implant, 53000, "10.2.0.1", "stats.cdn-telemetry.info", c2, 77)
    t, port = start + 10, 49200
    while t < end:  # every 5 minutes, +-10% jitter, a small POST answered by the server
        cap.http(t, implant, port, c2, "stats.cdn-telemetry.info", "/gate.php", method="POST",
                 body=b"id=4f2a&st=%d" % rng.randint(0, 9))
        port += rng.randint(1, 30)
        t += 300 + rng.uniform(-30, 30)
    ntp_servers = ["162.159.200.1", "216.239.35.0", "162.159.200.123"]
    for h in [implant] + others:  # chrony polling every 1024 s
        server = rng.choice(ntp_servers)
        t = start + rng.uniform(0, 1024)
        while t < end:
            cap.ntp(t, h, server)
            t += 1024
    cap.write(os.path.join(d, "span-port.pcap"))
    control_site(d, "10.2.0.0/24")


SCENARIOS = {
    "case1-day": case1_day,
    "case1-lab": case1_lab,
    "case2-table": case2_table,
    "case2-iptables": case2_iptables,
    "case2-asa": case2_asa,
    "control-ddos": control_ddos,
    "control-c2": control_c2,
}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    for name in sys.argv[2:] or SCENARIOS:
        d = os.path.join(out, name, "evidence")
        os.makedirs(d, exist_ok=True)
        SCENARIOS[name](d)
    print(f"{out}: {', '.join(sys.argv[2:] or SCENARIOS)}")


if __name__ == "__main__":
    main()
