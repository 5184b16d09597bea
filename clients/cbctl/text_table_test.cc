#include "clients/cbctl/text_table.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace creditbank::cbctl {
namespace {

using ::testing::ElementsAre;

TEST(DisplayWidthTest, CountsTerminalColumns) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("MATH101"), 7u);
  EXPECT_EQ(DisplayWidth("高等数学"), 8u);
  EXPECT_EQ(DisplayWidth("高等数学（上）"), 14u);  // full-width parentheses are wide
  EXPECT_EQ(DisplayWidth("Web前端开发"), 11u);
  EXPECT_EQ(DisplayWidth("〔2026〕12号"), 12u);
  EXPECT_EQ(DisplayWidth("한국어"), 6u);
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1u);  // e + combining acute accent
  EXPECT_EQ(DisplayWidth("\xE2\x80\x8B"), 0u);  // zero-width space
  EXPECT_EQ(DisplayWidth("\xF0\xA0\x80\x80"), 2u);  // CJK extension B
}

TEST(DisplayWidthTest, MalformedUtf8CountsOnePerByte) {
  EXPECT_EQ(DisplayWidth("\xFF\xFE"), 2u);
  EXPECT_EQ(DisplayWidth("\xE9\xAB"), 2u);  // truncated sequence
  EXPECT_EQ(DisplayWidth("\xC0\xAF"), 2u);  // overlong '/'
  EXPECT_EQ(DisplayWidth("\xED\xA0\x80"), 3u);  // a surrogate
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  EXPECT_EQ(lines.back(), "");  // every line ends in '\n'
  lines.pop_back();
  return lines;
}

TEST(TextTableTest, AlignsColumnsWithChineseText) {
  TextTable table({"CODE", "TITLE", "CREDITS"});
  table.AlignRight(2);
  table.AddRow({"MATH101", "高等数学（上）", "3.5"});
  table.AddRow({"ENG2", "College English", "2"});
  table.AddRow({"CAD", "机械制图与CAD", "0.125"});
  EXPECT_THAT(Lines(table.Render()),
              ElementsAre("CODE     TITLE            CREDITS",
                          "MATH101  高等数学（上）       3.5",
                          "ENG2     College English        2",
                          "CAD      机械制图与CAD      0.125"));
}

TEST(TextTableTest, EveryLineHasTheSameDisplayWidthUpToTheLastColumn) {
  TextTable table({"NAME", "SECTOR"});
  table.AddRow({"重庆工程职业技术学院", "vocational"});
  table.AddRow({"重庆开放大学", "open_university"});
  table.AddRow({"Chongqing Community College", "community"});
  std::vector<std::string> lines = Lines(table.Render());
  ASSERT_EQ(lines.size(), 4u);
  // The second column starts at the same display column on every line.
  const std::vector<std::string> second = {"SECTOR", "vocational", "open_university", "community"};
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t at = lines[i].find(second[i]);
    ASSERT_NE(at, std::string::npos);
    EXPECT_EQ(DisplayWidth(lines[i].substr(0, at)), 27u + TextTable::kColumnGap) << lines[i];
  }
}

TEST(TextTableTest, NoTrailingSpacesMissingCellsBlankExtraCellsDropped) {
  TextTable table({"A", "B", "C"});
  table.AddRow({"long value"});
  table.AddRow({"x", "y", "z", "dropped"});
  EXPECT_THAT(Lines(table.Render()),
              ElementsAre("A           B  C", "long value", "x           y  z"));
}

TEST(TextTableTest, ControlCharactersCannotBreakTheLayout) {
  TextTable table({"TITLE"});
  table.AddRow({"two\nlines\x1b[31m"});
  EXPECT_THAT(Lines(table.Render()), ElementsAre("TITLE", "two?lines?[31m"));
}

TEST(AbbreviateTest, CutsAtCharacterBoundaries) {
  EXPECT_EQ(Abbreviate("short", 10), "short");
  EXPECT_EQ(Abbreviate("abcdef", 3), "abc...");
  // 高 is 3 bytes: a cut inside it backs up to its start.
  EXPECT_EQ(Abbreviate("高等数学", 4), "高...");
  EXPECT_EQ(Abbreviate("高等数学", 2), "...");
}

TEST(RenderFieldsTest, AlignsValuesAndShowsEmptyAsDash) {
  EXPECT_EQ(RenderFields({{"code", "4150013588"}, {"name", "重庆工程职业技术学院"}, {"status reason", ""}}),
            "code           4150013588\n"
            "name           重庆工程职业技术学院\n"
            "status reason  -\n");
}

}  // namespace
}  // namespace creditbank::cbctl
