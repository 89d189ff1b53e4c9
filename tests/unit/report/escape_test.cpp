#include "report/escape.h"

#include <gtest/gtest.h>

namespace callhome {
namespace {

TEST(Escape, TerminalNeutralisesAnsiAndInvalidUtf8) {
  EXPECT_EQ(term_escape("ok \x1b[31mred\x1b[0m"), "ok \\x1b[31mred\\x1b[0m");
  EXPECT_EQ(term_escape("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(term_escape("bad \xff byte"), "bad \\xff byte");
  EXPECT_EQ(term_escape(std::string_view("nul\0x", 5)), "nul\\x00x");
}

TEST(Escape, HtmlNeutralisesMarkup) {
  EXPECT_EQ(html_escape("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;");
}

TEST(Escape, MarkdownCannotMakeLinksOrTags) {
  EXPECT_EQ(md_escape("[click](http://evil/)"), "\\[click\\]\\(http://evil/\\)");
  EXPECT_EQ(md_escape("<img src=x onerror=y>"), "&lt;img src=x onerror=y&gt;");
  EXPECT_EQ(md_escape("a|b"), "a\\|b");
}

TEST(Escape, C1ControlsAndBidiOverridesAreShownNotActedOn) {
  // U+009B is CSI on terminals that honour C1; U+202E (RLO) reverses what follows.
  EXPECT_EQ(term_escape("a\xc2\x9b"
                        "31mb"),
            "a\\u009b31mb");
  EXPECT_EQ(term_escape("\xc2\x80|\xc2\x9f"), "\\u0080|\\u009f");
  EXPECT_EQ(term_escape("x\xe2\x80\xae"
                        "exe.txt"),
            "x\\u202eexe.txt");
  EXPECT_EQ(term_escape("\xe2\x80\xaa\xe2\x80\xad"), "\\u202a\\u202d");
  EXPECT_EQ(term_escape("\xe2\x81\xa6\xe2\x81\xa9"), "\\u2066\\u2069");
  EXPECT_EQ(md_escape("\xe2\x80\xae"
                      "a"),
            "\\u202ea");
  EXPECT_EQ(md_escape("\xc2\x9b"), "\\u009b");
  EXPECT_EQ(html_escape("\xe2\x81\xa7"), "\\u2067");
}

TEST(Escape, NeighboursOfTheEscapedRangesStayIntact) {
  // U+00A0 (c2 a0), U+00E9, U+2029 (e2 80 a9), U+202F (e2 80 af), U+2065 (e2 81 a5),
  // U+206A (e2 81 aa), a CJK character and an emoji are plain text.
  for (const char* s : {"\xc2\xa0", "caf\xc3\xa9", "\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\xa5",
                        "\xe2\x81\xaa", "\xe4\xb8\xad", "\xf0\x9f\x98\x80"}) {
    EXPECT_EQ(term_escape(s), s);
    EXPECT_EQ(md_escape(s), s);
  }
}

}  // namespace
}  // namespace callhome
