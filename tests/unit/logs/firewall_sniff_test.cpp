// Every firewall sniffer against samples of every firewall format and of the other formats
// callhome reads: the right reader must win, and none may claim a foreign file.
#include <gtest/gtest.h>

#include <string>

#include "fw_sniff_util.h"
#include "fw_test_util.h"

namespace callhome {
namespace {

using fwtest::sniff_all;

struct Sample {
  const char* what;
  std::string text;
  const char* expected;  // "" = none of ours
};

std::string times(const std::string& line, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += line + "\n";
  return out;
}

const std::vector<Sample>& samples() {
  static const std::vector<Sample> s = {
      {"iptables UFW",
       times("Nov 17 13:12:50 gw kernel: [ 1.5] [UFW BLOCK] IN=eth0 OUT= "
             "MAC=00:11 SRC=10.0.0.1 DST=10.0.0.2 LEN=40 TOS=0x00 PREC=0x00 "
             "TTL=1 ID=1 PROTO=TCP SPT=1 DPT=2 WINDOW=1 RES=0x00 SYN URGP=0",
             3),
       "iptables"},
      {"iptables journal export",
       "__CURSOR=s=1\n__REALTIME_TIMESTAMP=1163769170000000\n_TRANSPORT=kernel\n"
       "MESSAGE=[UFW BLOCK] IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 PROTO=TCP SPT=1 "
       "DPT=2\n_HOSTNAME=gw\n\n",
       "iptables"},
      {"filterlog",
       times("<134>Jul  3 19:10:30 filterlog[72237]: 146,,,1535324496,igb1.12,"
             "match,block,in,4,0x0,,63,12617,0,DF,6,tcp,60,10.170.12.50,1.1.1.1,"
             "49724,853,0,S,1891286705,,64240,,mss",
             3),
       "filterlog"},
      {"asa",
       times("Nov 17 2006 13:12:50: %ASA-4-106023: Deny tcp src inside:10.0.0.1/1 dst "
             "outside:10.0.0.2/2 by access-group \"a\" [0x0, 0x0]",
             3),
       "asa"},
      {"winfw",
       "#Version: 1.5\n#Software: Microsoft Windows Firewall\n#Time Format: Local\n"
       "#Fields: date time action protocol src-ip dst-ip src-port dst-port size "
       "tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path\n\n"
       "2006-11-17 13:12:50 DROP TCP 10.0.0.1 10.0.0.2 1 2 0 - 0 0 0 - - - SEND\n",
       "winfw"},
      {"csv table",
       "Date,Time,Source IP,Destination IP,Destination Port\n"
       "17-Nov-06,13:12:50,192.168.0.13,72.246.53.81,80\n",
       "table"},
      {"squid native",
       times("990049564.625 873 192.168.1.3 TCP_MISS/200 303 POST "
             "http://updaterservice.wildtangent.com/appupdate/appcheckin.wss - "
             "DIRECT/updaterservice.wildtangent.com text/plain",
             3),
       ""},
      {"zeek conn.log",
       "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
       "#path\tconn\n#open\t2020-10-06-17-32-56\n"
       "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\t"
       "duration\torig_bytes\tresp_bytes\tconn_state\n"
       "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\t"
       "string\n"
       "1601998366.785668\tCNgrt04tHika5Pgpfi\t10.0.0.1\t54170\t10.0.0.2\t53\tudp\tdns\t"
       "0.007707\t37\t77\tSF\n",
       ""},
      {"snort fast",
       times("11/17-13:12:50.123456  [**] [1:2001219:20] ET SCAN Potential SSH Scan [**] "
             "[Classification: Attempted Information Leak] [Priority: 2] {TCP} "
             "192.168.0.13:2499 -> 72.246.53.81:22",
             3),
       ""},
      {"suricata eve",
       times("{\"timestamp\":\"2006-11-17T13:12:50.123456+0000\",\"event_type\":\"alert\","
             "\"src_ip\":\"192.168.0.13\",\"src_port\":2499,\"dest_ip\":\"72.246.53.81\","
             "\"dest_port\":80,\"proto\":\"TCP\"}",
             3),
       ""},
      {"plain syslog", times("Nov 17 13:12:50 gw sshd[1]: Accepted publickey for root", 5), ""},
      {"binary", std::string("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xfe\x00\x01", 14), ""},
  };
  return s;
}

TEST(FirewallSniff, TheRightReaderWinsAndForeignFormatsAreLeftAlone) {
  for (const Sample& s : samples()) {
    const auto v = sniff_all(s.text);
    if (*s.expected == '\0') {
      EXPECT_EQ(v.best, 0) << s.what << ": " << v.scores;
    } else {
      EXPECT_EQ(v.winner, s.expected) << s.what << ": " << v.scores;
      EXPECT_GE(v.best, 50) << s.what << ": " << v.scores;
      EXPECT_LT(v.second, v.best) << s.what << ": " << v.scores;
    }
  }
}

TEST(FirewallSniff, OneMatchingLineInsideAnotherFormatIsNotEnough) {
  const std::string squid = samples()[6].text;
  std::string mixed;
  for (int i = 0; i < 30; ++i) mixed += squid;
  mixed +=
      "Nov 17 13:12:50 gw kernel: IN=eth0 OUT= SRC=10.0.0.1 DST=10.0.0.2 LEN=40 PROTO=TCP "
      "SPT=1 DPT=2\n";
  mixed +=
      "Nov 17 2006 13:12:50: %ASA-4-106023: Deny tcp src inside:10.0.0.1/1 dst "
      "outside:10.0.0.2/2 by access-group \"a\"\n";
  mixed +=
      "Nov 17 13:12:50 filterlog[1]: 5,,,1000,em0,match,block,in,4,0x0,,64,1,0,none,6,tcp,"
      "60,10.0.0.3,1.2.3.4,1,2,0,S\n";
  const auto v = sniff_all(mixed);
  EXPECT_LE(v.best, 10) << v.scores;
}

}  // namespace
}  // namespace callhome
