// End-to-end: report.html opened in a real browser (headless Chromium). Evidence that quotes
// hostile strings (a proxy log whose URLs carry markup and script, an IDS alert whose message is
// a script) must show as text: no element, attribute or script of theirs may reach the page.
// Skipped, with the reason printed, when chromium is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "unit/cli/shell.h"

namespace {
namespace fs = std::filesystem;

using Result = callhome::testing::ShellResult;

// Chromium's standard error is dbus and GPU noise: dropped.
Result run(const std::string& cmd) {
  return callhome::testing::shell(cmd + " 2>/dev/null");
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool contains(const std::string& hay, const std::string& needle) {
  return hay.find(needle) != std::string::npos;
}

// The host of the beaconing proxy requests: it closes an attribute, opens an <img> whose error
// handler retitles the page and adds <b id="pwned">. Blank-separated, as Squid logs such a URL.
const std::string kHostileHost =
    "c2\"><img src=x onerror=\"document.title='PWNED';document.body.appendChild(document."
    "createElement('b')).id='pwned'\">.example";
// The IDS rule message: a script doing the same, and a javascript: URL.
const std::string kHostileSignature =
    "<script>document.title='PWNED';document.body.insertAdjacentHTML('beforeend','<i "
    "id=pwned></i>')</script> javascript:alert(1)";

class ReportBrowser : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run("command -v chromium").status != 0) {
      GTEST_SKIP() << "chromium is not installed (apt-get install chromium): report.html not "
                      "checked in a browser";
    }
    dir_ = fs::temp_directory_path() / ("callhome-browser-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Chromium with its own profile, so that parallel runs do not share one.
  Result chromium(const std::string& args) {
    return run(
        "timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run "
        "--user-data-dir=" +
        (dir_ / "profile").string() + " " + args);
  }

  fs::path dir_;
};

TEST_F(ReportBrowser, HostileEvidenceRendersAsTextAndNoScriptRuns) {
  // Control: the same payloads pasted into a page unescaped and without the report's CSP do
  // run under --dump-dom and leave the marks looked for below, so their absence means something.
  std::ofstream(dir_ / "control.html")
      << "<!DOCTYPE html><html><head><title>control</title></head><body><img src=x "
         "onerror=\"document.title='PWNED';document.body.appendChild(document.createElement('b'"
         ")).id='pwned'\"></body></html>\n";
  Result control = chromium("--dump-dom file://" + (dir_ / "control.html").string());
  ASSERT_EQ(control.status, 0);
  ASSERT_TRUE(contains(control.out, "<title>PWNED</title>")) << control.out;
  ASSERT_TRUE(contains(control.out, "id=\"pwned\"")) << control.out;
  ASSERT_TRUE(contains(control.out, "<img src=\"x\"")) << control.out;

  // A host beaconing every minute through the proxy to the hostile name (a beacon finding whose
  // evidence quotes it), and IDS alerts with the hostile message (an ids_alert finding).
  {
    std::ofstream squid(dir_ / "access.log");
    for (int i = 0; i < 40; ++i) {
      squid << 1700000000 + 60 * i << ".000 120 10.0.0.5 TCP_MISS/200 512 GET http://"
            << kHostileHost
            << "/beacon?<script>document.title='PWNED'</script> - HIER_DIRECT/203.0.113.9 "
               "text/html\n";
    }
    std::ofstream alert(dir_ / "alert");
    for (int i = 0; i < 3; ++i) {
      alert << "11/14-22:1" << i << ":20.000000  [**] [1:9000001:1] " << kHostileSignature
            << " [**] [Classification: Trojan Activity] [Priority: 1] {TCP} 10.0.0.5:4444 -> "
               "198.51.100.7:80\n";
    }
  }
  const fs::path out = dir_ / "out";
  Result analyze = run(std::string(CALLHOME_BINARY) + " analyze --year 2023 -o " + out.string() +
                       " " + (dir_ / "access.log").string() + " " + (dir_ / "alert").string());
  ASSERT_EQ(analyze.status, 0) << analyze.out;
  // Both findings quote the hostile strings, or the browser check below would prove nothing.
  ASSERT_TRUE(contains(analyze.out, "ids_alert: IDS raised \"" + kHostileSignature)) << analyze.out;
  ASSERT_TRUE(contains(analyze.out, "beacon: 10.0.0.5 contacted " + kHostileHost)) << analyze.out;
  const fs::path html = out / "report.html";
  ASSERT_TRUE(fs::exists(html));
  const std::string source = read_all(html);
  EXPECT_FALSE(contains(source, "<img")) << "raw markup from the evidence in report.html";
  EXPECT_FALSE(contains(source, "<script")) << "raw markup from the evidence in report.html";

  // What the browser made of it, after scripts (had any run) were done.
  Result dom = chromium("--dump-dom file://" + html.string());
  ASSERT_EQ(dom.status, 0);
  EXPECT_TRUE(contains(dom.out, "Who is calling out")) << dom.out;
  // The hostile strings are text: the serialised DOM escapes < and > in text nodes.
  EXPECT_TRUE(contains(dom.out, "c2\"&gt;&lt;img src=x onerror=\"document.title='PWNED';"))
      << dom.out;
  EXPECT_TRUE(contains(dom.out, "&lt;script&gt;document.title='PWNED';")) << dom.out;
  EXPECT_TRUE(contains(dom.out, "&lt;/script&gt; javascript:alert(1)")) << dom.out;
  // Nothing of theirs became an element or attribute, and nothing of theirs ran.
  EXPECT_TRUE(contains(dom.out, "<title>callhome report</title>")) << dom.out;
  EXPECT_FALSE(contains(dom.out, "<title>PWNED")) << dom.out;
  EXPECT_FALSE(contains(dom.out, "id=\"pwned\"")) << dom.out;
  EXPECT_FALSE(contains(dom.out, "<img")) << dom.out;
  EXPECT_FALSE(contains(dom.out, "<script")) << dom.out;

  // The page as a person sees it: a PNG of the requested size with something drawn on it (a
  // near-empty page of that size compresses to about 13 KB; the report is several times that).
  const fs::path png = dir_ / "report.png";
  Result shot =
      chromium("--screenshot=" + png.string() + " --window-size=1280,2000 file://" + html.string());
  ASSERT_EQ(shot.status, 0);
  ASSERT_TRUE(fs::exists(png));
  const std::string bytes = read_all(png);
  ASSERT_GE(bytes.size(), 33u);
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(bytes.substr(12, 4), "IHDR");
  auto be32 = [&](size_t at) {
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i) v = v << 8 | uint8_t(bytes[at + i]);
    return v;
  };
  EXPECT_EQ(be32(16), 1280u);
  EXPECT_EQ(be32(20), 2000u);
  EXPECT_GT(bytes.size(), 40'000u) << "the screenshot looks blank";
  if (const char* keep = std::getenv("CALLHOME_KEEP_SCREENSHOT")) {
    fs::copy_file(png, keep, fs::copy_options::overwrite_existing);
  }
}

}  // namespace
