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

}  // namespace
}  // namespace callhome
