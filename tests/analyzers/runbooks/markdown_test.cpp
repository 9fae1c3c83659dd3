// The runbooks' Markdown parser: sections, ddd marker regions, and merges that rewrite
// only the regions and refuse files whose markers are broken.

#include <gtest/gtest.h>

#include "analyzers/runbooks/markdown.h"

namespace ddd::analyzers::runbooks {
namespace {

TEST(RunbooksMarkdown, MergeRewritesOnlyRegionsAndKeepsHumanText) {
  const std::string existing =
      "# Runbook: api\r\n"
      "A human wrote this intro.\r\n"
      "<!-- ddd:begin daily -->\r\n"
      "- [ ] old item\r\n"
      "<!-- ddd:end daily -->\r\n"
      "## Notes by ops\r\n"
      "Never restart on Fridays.\r\n"
      "<!-- ddd:begin retired -->\r\n"
      "kept as is\r\n"
      "<!-- ddd:end retired -->\r\n"
      "trailing text without newline";
  const auto merged = mergeRegions(existing, "fresh file (unused)",
                                   {{"daily", "- [ ] new item\n"}, {"weekly", "- [ ] w\n"}});
  ASSERT_TRUE(merged.content) << merged.errors.front();
  EXPECT_EQ(*merged.content,
            "# Runbook: api\r\n"
            "A human wrote this intro.\r\n"
            "<!-- ddd:begin daily -->\r\n"
            "- [ ] new item\n"
            "<!-- ddd:end daily -->\r\n"
            "## Notes by ops\r\n"
            "Never restart on Fridays.\r\n"
            "<!-- ddd:begin retired -->\r\n"
            "kept as is\r\n"
            "<!-- ddd:end retired -->\r\n"
            "trailing text without newline\n"
            "\n<!-- ddd:begin weekly -->\n- [ ] w\n<!-- ddd:end weekly -->\n");
  const auto again = mergeRegions(*merged.content, "unused",
                                  {{"daily", "- [ ] new item\n"}, {"weekly", "- [ ] w\n"}});
  ASSERT_TRUE(again.content);
  EXPECT_EQ(*again.content, *merged.content);
  EXPECT_EQ(*mergeRegions(std::nullopt, "whole new file\n", {}).content, "whole new file\n");
}

TEST(RunbooksMarkdown, BrokenMarkersAreRefusedWithTheLine) {
  struct Case {
    std::string text;
    std::string error;
  };
  const Case cases[] = {
      {"a\n<!-- ddd:begin daily -->\nb\n", "line 2: ddd:begin daily has no ddd:end"},
      {"<!-- ddd:end daily -->\n", "line 1: ddd:end daily without a ddd:begin"},
      {"<!-- ddd:begin a -->\n<!-- ddd:begin b -->\n<!-- ddd:end b -->\n<!-- ddd:end a -->\n",
       "line 2: ddd:begin b inside the region a opened at line 1"},
      {"<!-- ddd:begin a -->\n<!-- ddd:end b -->\n",
       "line 2: ddd:end b closes the region a opened at line 1"},
      {"<!-- ddd:begin a -->\n<!-- ddd:end a -->\n<!-- ddd:begin a -->\n<!-- ddd:end a -->\n",
       "line 3: ddd:begin a appears twice"},
      {"text <!-- ddd:begin a --> more\n", "line 1: malformed ddd marker"},
  };
  for (const Case& c : cases) {
    const auto merged = mergeRegions(c.text, "unused", {{"a", "x\n"}});
    EXPECT_FALSE(merged.content) << c.text;
    ASSERT_FALSE(merged.errors.empty()) << c.text;
    EXPECT_EQ(merged.errors[0].rfind(c.error, 0), 0u) << merged.errors[0];
    EXPECT_EQ(withoutRegions(c.text), c.text);
  }
}

TEST(RunbooksMarkdown, SectionsSkipFencedCode) {
  const std::string md = "intro\n# One\n```\n# not\n```\n    # indented code\n## Two ##\nbody\n#nospace\n";
  const auto s = splitSections(md);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].level, 0);
  EXPECT_EQ(s[1].heading, "One");
  EXPECT_EQ(s[1].line, 2u);
  EXPECT_EQ(s[2].heading, "Two");
  EXPECT_EQ(s[2].level, 2);
  EXPECT_EQ(md.substr(s[2].bodyBegin, s[2].bodyEnd - s[2].bodyBegin), "body\n#nospace\n");
  EXPECT_EQ(withoutRegions("a\n<!-- ddd:begin x -->\nsecret\n<!-- ddd:end x -->\n"),
            "a\n<!-- ddd:begin x -->\n      \n<!-- ddd:end x -->\n");
}

}  // namespace
}  // namespace ddd::analyzers::runbooks
