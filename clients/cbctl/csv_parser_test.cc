#include "clients/cbctl/csv_parser.h"

#include <random>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::cbctl {
namespace {

using ::creditbank::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::vector<std::string>> Fields(const std::vector<CsvRecord>& records) {
  std::vector<std::vector<std::string>> fields;
  for (const CsvRecord& record : records) fields.push_back(record.fields);
  return fields;
}

std::vector<size_t> Lines(const std::vector<CsvRecord>& records) {
  std::vector<size_t> lines;
  for (const CsvRecord& record : records) lines.push_back(record.line);
  return lines;
}

TEST(CsvParserTest, PlainRecordsWithLf) {
  ASSERT_OK_AND_ASSIGN(auto records, ParseCsv("a,b,c\n1,2,3\n"));
  EXPECT_THAT(Fields(records), ElementsAre(ElementsAre("a", "b", "c"), ElementsAre("1", "2", "3")));
  EXPECT_THAT(Lines(records), ElementsAre(1, 2));
}

TEST(CsvParserTest, CrlfAndMissingFinalLineBreak) {
  ASSERT_OK_AND_ASSIGN(auto records, ParseCsv("a,b\r\n1,2\r\n3,4"));
  EXPECT_THAT(Fields(records),
              ElementsAre(ElementsAre("a", "b"), ElementsAre("1", "2"), ElementsAre("3", "4")));
  EXPECT_THAT(Lines(records), ElementsAre(1, 2, 3));
}

TEST(CsvParserTest, LoneCrEndsALine) {
  ASSERT_OK_AND_ASSIGN(auto records, ParseCsv("a\r1\r2"));
  EXPECT_THAT(Lines(records), ElementsAre(1, 2, 3));
}

TEST(CsvParserTest, QuotedFieldsWithCommaAndEscapedQuotes) {
  ASSERT_OK_AND_ASSIGN(auto records, ParseCsv("\"大学英语, 第二册\",\"数控车床\"\"实训\"\"\",\"\"\n"));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_THAT(records[0].fields, ElementsAre("大学英语, 第二册", "数控车床\"实训\"", ""));
}

TEST(CsvParserTest, EmbeddedNewlineKeepsBytesAndMovesLineNumbers) {
  ASSERT_OK_AND_ASSIGN(auto records,
                       ParseCsv("h1,h2\r\n\"two\r\nlines\",x\r\n\"three\nmore\nlines\",y\r\nz,w\r\n"));
  EXPECT_THAT(Fields(records), ElementsAre(ElementsAre("h1", "h2"), ElementsAre("two\r\nlines", "x"),
                                           ElementsAre("three\nmore\nlines", "y"),
                                           ElementsAre("z", "w")));
  // Each record is numbered by the physical line it starts on.
  EXPECT_THAT(Lines(records), ElementsAre(1, 2, 4, 7));
}

TEST(CsvParserTest, ByteOrderMarkIsSkippedOnlyAtTheStart) {
  ASSERT_OK_AND_ASSIGN(auto records, ParseCsv("\xEF\xBB\xBFtitle\n\xEF\xBB\xBFx\n"));
  EXPECT_THAT(Fields(records), ElementsAre(ElementsAre("title"), ElementsAre("\xEF\xBB\xBFx")));
}

TEST(CsvParserTest, ChineseTextPassesThroughUnchanged) {
  ASSERT_OK_AND_ASSIGN(auto records, ParseCsv("高等数学（上）,优秀\n"));
  EXPECT_THAT(records[0].fields, ElementsAre("高等数学（上）", "优秀"));
}

TEST(CsvParserTest, EmptyFieldsAndTrailingComma) {
  ASSERT_OK_AND_ASSIGN(auto records, ParseCsv(",a,,\n"));
  EXPECT_THAT(records[0].fields, ElementsAre("", "a", "", ""));
}

TEST(CsvParserTest, EmptyLinesAreSkippedAndCounted) {
  ASSERT_OK_AND_ASSIGN(auto records, ParseCsv("\n\na\r\n\r\n\nb\n\n"));
  EXPECT_THAT(Fields(records), ElementsAre(ElementsAre("a"), ElementsAre("b")));
  EXPECT_THAT(Lines(records), ElementsAre(3, 6));
}

TEST(CsvParserTest, EmptyInputHasNoRecords) {
  ASSERT_OK_AND_ASSIGN(auto records, ParseCsv(""));
  EXPECT_TRUE(records.empty());
  ASSERT_OK_AND_ASSIGN(auto bom_only, ParseCsv("\xEF\xBB\xBF"));
  EXPECT_TRUE(bom_only.empty());
}

TEST(CsvParserTest, RaggedRowsAreReturnedAsTheyAre) {
  // Whether a row has the right number of fields is the caller's rule.
  ASSERT_OK_AND_ASSIGN(auto records, ParseCsv("a,b,c\n1,2\n1,2,3,4\n"));
  EXPECT_EQ(records[1].fields.size(), 2u);
  EXPECT_EQ(records[2].fields.size(), 4u);
}

TEST(CsvParserTest, UnterminatedQuoteNamesTheLineItOpened) {
  EXPECT_THAT(ParseCsv("a,b\n1,\"open\n2,3\n"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  absl::Status status = ParseCsv("a,b\n1,\"open\n2,3\n").status();
  EXPECT_THAT(std::string(status.message()), HasSubstr("line 2: "));
  EXPECT_THAT(std::string(status.message()), HasSubstr("never closed"));
}

TEST(CsvParserTest, QuoteInsideUnquotedFieldIsAnError) {
  absl::Status status = ParseCsv("a,b\nx,5\"floppy\n").status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(status.message()), HasSubstr("line 2: a quote inside an unquoted field"));
}

TEST(CsvParserTest, TextAfterClosingQuoteIsAnError) {
  absl::Status status = ParseCsv("\"a\"b,c\n").status();
  EXPECT_THAT(std::string(status.message()), HasSubstr("line 1: unexpected text after a closing quote"));
}

TEST(CsvParserTest, TooLongFieldIsAnError) {
  CsvLimits limits;
  limits.max_field_bytes = 8;
  EXPECT_OK(ParseCsv("12345678\n", limits).status());
  absl::Status plain = ParseCsv("ok\n123456789\n", limits).status();
  EXPECT_THAT(std::string(plain.message()), HasSubstr("line 2: field is longer than 8 bytes"));
  absl::Status quoted = ParseCsv("\"123456789\"\n", limits).status();
  EXPECT_THAT(std::string(quoted.message()), HasSubstr("line 1: field is longer than 8 bytes"));
}

TEST(CsvParserTest, DefaultFieldLimitHolds) {
  const std::string huge(CsvLimits().max_field_bytes + 1, 'x');
  EXPECT_THAT(ParseCsv(huge), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseCsv("\"" + huge + "\""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CsvParserTest, TooLongRecordAndTooManyFieldsAreErrors) {
  CsvLimits limits;
  limits.max_record_bytes = 10;
  EXPECT_THAT(std::string(ParseCsv("aaaa,bbbb,cccc\n", limits).status().message()),
              HasSubstr("line 1: record is longer than 10 bytes"));
  CsvLimits few_fields;
  few_fields.max_fields_per_record = 3;
  EXPECT_OK(ParseCsv("a,b,c\n", few_fields).status());
  EXPECT_THAT(std::string(ParseCsv("a,b,c,d\n", few_fields).status().message()),
              HasSubstr("more than 3 fields"));
}

TEST(CsvParserTest, ReaderYieldsRecordsBeforeAnErrorAndThenStaysFailed) {
  CsvReader reader("a\nb\n\"c\n");
  CsvRecord record;
  ASSERT_OK_AND_ASSIGN(bool first, reader.Next(&record));
  EXPECT_TRUE(first);
  ASSERT_OK_AND_ASSIGN(bool second, reader.Next(&record));
  EXPECT_TRUE(second);
  EXPECT_THAT(reader.Next(&record), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(reader.Next(&record), StatusIs(absl::StatusCode::kInvalidArgument));
}

// Random bytes over the characters that matter to the grammar: no crash, no
// hang, and every field within the limits (a cheap stand-in until the
// libFuzzer target exists).
TEST(CsvParserTest, RandomInputNeverBreaksTheLimits) {
  constexpr char kAlphabet[] = {'a', ',', '"', '\r', '\n', '\xEF', '\xBB', '\xBF', '\0', '\xE4'};
  CsvLimits limits;
  limits.max_field_bytes = 16;
  limits.max_record_bytes = 40;
  limits.max_fields_per_record = 5;
  std::mt19937 random(20260701);
  for (int round = 0; round < 5000; ++round) {
    std::string input(random() % 64, ' ');
    for (char& c : input) c = kAlphabet[random() % sizeof(kAlphabet)];
    absl::StatusOr<std::vector<CsvRecord>> records = ParseCsv(input, limits);
    if (!records.ok()) continue;
    for (const CsvRecord& record : *records) {
      ASSERT_LE(record.fields.size(), limits.max_fields_per_record) << input;
      ASSERT_GE(record.line, 1u);
      for (const std::string& field : record.fields) {
        ASSERT_LE(field.size(), limits.max_field_bytes) << input;
      }
    }
  }
}

}  // namespace
}  // namespace creditbank::cbctl
