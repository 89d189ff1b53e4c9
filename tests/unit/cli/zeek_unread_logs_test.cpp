// End-to-end: a Zeek log directory holds a dozen logs callhome has no use for; they are said in
// one line, not a line or two each, and are not counted as inputs that failed.
#include <gtest/gtest.h>

#include <string>

#include "unit/cli/shell.h"
#include "unit/temp_dir.h"

namespace {

using Result = callhome::testing::ShellResult;
using callhome::testing::TempDir;

// Runs callhome in `dir` with only standard error captured.
Result stderr_of(const TempDir& dir, const std::string& args) {
  return callhome::testing::shell("cd '" + dir.path() + "' && timeout -s KILL 20 " +
                                  std::string(CALLHOME_BINARY) + " " + args + " 2>&1 >/dev/null");
}

std::string zeek_tsv(const std::string& path, const std::string& fields, const std::string& row) {
  return "#separator \\x09\n#path\t" + path + "\n#fields\t" + fields + "\n" + row + "\n";
}

void write_unread_logs(const TempDir& tmp) {
  tmp.write("zeek/dhcp.log", zeek_tsv("dhcp", "ts\tuids\tclient_addr\tmac",
                                      "1300000000.0\tC1\t192.168.1.5\t00:11:22:33:44:55"));
  tmp.write("zeek/files.log", zeek_tsv("files", "ts\tfuid\ttx_hosts\trx_hosts",
                                       "1300000000.0\tF1\t1.2.3.4\t5.6.7.8"));
  tmp.write("zeek/x509.log",
            zeek_tsv("x509", "ts\tid\tcertificate.subject", "1300000000.0\tF2\tCN=example"));
  // JSON without "_path": the file's name names it.
  tmp.write("zeek/weird.log",
            R"({"ts":1300000000.0,"uid":"C1","id.orig_h":"192.168.1.5","id.orig_p":1234,)"
            R"("id.resp_h":"8.8.8.8","id.resp_p":53,"name":"bad_TCP_checksum","notice":false})"
            "\n");
}

TEST(ZeekUnreadLogs, OneLineForAllTheLogsCallhomeDoesNotRead) {
  TempDir tmp;
  write_unread_logs(tmp);
  tmp.write("zeek/conn.log",
            zeek_tsv("conn", "ts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto",
                     "1300000000.0\tC1\t192.168.1.5\t1234\t8.8.8.8\t53\tudp"));
  const Result r = stderr_of(tmp, "analyze zeek");
  ASSERT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out,
            "callhome: skipped 4 Zeek logs callhome does not read: dhcp, files, weird, "
            "x509\n");
}

TEST(ZeekUnreadLogs, NothingElseToReadIsStillNoUsableInput) {
  TempDir tmp;
  write_unread_logs(tmp);
  const Result r = stderr_of(tmp, "inputs zeek");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(r.out,
            "callhome: skipped 4 Zeek logs callhome does not read: dhcp, files, weird, x509\n"
            "callhome: no usable input\n");
}

}  // namespace
