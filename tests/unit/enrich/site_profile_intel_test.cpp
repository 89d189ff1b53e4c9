// [intel] lists: the threat-intel lists of a site, by paths relative to the profile.
#include <gtest/gtest.h>

#include <filesystem>

#include "enrich/site_profile.h"
#include "unit/temp_dir.h"

namespace callhome {
namespace {

TEST(SiteProfileIntel, ListsAreAStringOrAnArrayOfStrings) {
  auto p =
      SiteProfile::parse("[intel]\nlists = [\"feodo.txt\", \"/srv/intel/c2.txt\"]\n", "site.toml");
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->intel_lists(), (std::vector<std::string>{"feodo.txt", "/srv/intel/c2.txt"}));
  p = SiteProfile::parse("[intel]\nlists = \"one.txt\"\n", "site.toml");
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ(p->intel_lists(), std::vector<std::string>{"one.txt"});
  EXPECT_TRUE(SiteProfile::defaults().intel_lists().empty());
}

TEST(SiteProfileIntel, MistakesNameFileLineAndColumn) {
  auto p = SiteProfile::parse("[intel]\nlist = [\"feodo.txt\"]\n", "site.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error(),
            "site.toml:2:1: unknown key 'list' in [intel] (did you mean 'lists'?); known keys: "
            "lists");
  p = SiteProfile::parse("[intel]\nlists = [\"a.txt\", 3]\n", "site.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error(), "site.toml:2:19: [intel] lists entries must be strings, not an integer");
  p = SiteProfile::parse("[intel]\nlists = [\"\"]\n", "site.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().rfind("site.toml:2:10: [intel] lists entries must be non-empty", 0), 0u)
      << p.error();
  p = SiteProfile::parse("lists = [\"a.txt\"]\n", "site.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error(), "site.toml:1:1: 'lists' belongs in the [intel] table");
  p = SiteProfile::parse("[intl]\nlists = [\"a.txt\"]\n", "site.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error(), "site.toml:1:2: unknown table [intl] (did you mean [intel]?)");
}

TEST(SiteProfileIntel, RelativePathsAreRelativeToTheProfile) {
  testing::TempDir dir;
  const std::string path =
      dir.write("cases/site.toml",
                "[intel]\nlists = [\"intel/feodo.txt\", \"../shared.txt\", \"/abs.txt\"]\n");
  auto p = SiteProfile::load(path);
  ASSERT_TRUE(p.ok()) << p.error();
  ASSERT_EQ(p->intel_lists().size(), 3u);
  EXPECT_EQ(p->intel_lists()[0], dir.path() + "/cases/intel/feodo.txt");
  EXPECT_EQ(p->intel_lists()[1], dir.path() + "/shared.txt");
  EXPECT_EQ(p->intel_lists()[2], "/abs.txt");
}

}  // namespace
}  // namespace callhome
