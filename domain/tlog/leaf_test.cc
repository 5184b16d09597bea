// Leaf bytes: a golden leaf written out by hand (its salt computed
// independently with Python's hmac), RFC 8785 form checked against
// nlohmann's serializer (sorted members, no whitespace), every stored
// field of an entry in the leaf, and the salt's properties.
#include "domain/tlog/leaf.h"

#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "domain/tlog/merkle.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/sample_entry.h"

namespace creditbank::domain::tlog {
namespace {

const std::string kIdentitySecret(32, 'i');

// 2026-07-01T04:00:00.25Z, MATH101 高等数学（上）, 3.5 credits, 85.5/100,
// level 6, vocational, completed 2026-06-20, evidence 32 x 0xab.
ledger::v1::Entry GoldenEntry() { return testing::SampleCourseEntry(7); }

LeafHasher Hasher() { return LeafHasher(LeafSaltKey(kIdentitySecret)); }

TEST(LeafTest, GoldenLeaf) {
  const std::string expected =
      R"({"account":"6212345678901232","code":"MATH101","completion_date":"2026-06-20",)"
      R"("credits_milli":3500,"entry_id":7,"evidence_sha256":")"
      "abababababababababababababababababababababababababababababababab"
      R"(","format":"creditbank.leaf.v1","framework_level":6,)"
      R"("grade":{"scale_milli":100000,"score_milli":85500},"institution":"4150013588",)"
      R"("kind":"course_credit","recorded_at":"2026-07-01T04:00:00.25Z","reversal_reason":"",)"
      R"("reverses_entry_id":0,"salt":"ZD9i5b5rSljuq5E1P8yphA","sector":"vocational",)"
      R"("source_entry_ids":[],"study_hours":48,"title":"高等数学（上）","valid_until":""})";
  EXPECT_EQ(Hasher().LeafBytes(GoldenEntry()), expected);
  EXPECT_EQ(Hasher().LeafHashOf(GoldenEntry()), LeafHash(expected));
}

// RFC 8785 for our leaves: what nlohmann writes for the parsed object
// (members sorted by name, no whitespace, the same escapes) is the leaf.
TEST(LeafTest, LeavesAreInCanonicalJsonForAwkwardStrings) {
  const std::vector<std::string> titles = {
      "plain", "引号\"与\\反斜杠", "tab\there", "line\nbreak\r", std::string("nul\0x", 5),
      "\x01\x1f\x7f", "emoji 🎓 and 中文", "/slash/", "\b\f"};
  for (const std::string& title : titles) {
    ledger::v1::Entry entry = GoldenEntry();
    entry.mutable_outcome()->set_title(title);
    entry.set_reversal_reason(title);
    const std::string leaf = Hasher().LeafBytes(entry);
    const nlohmann::json parsed = nlohmann::json::parse(leaf);
    EXPECT_EQ(parsed.dump(), leaf) << title;
    EXPECT_EQ(parsed["title"], title);
  }
}

TEST(LeafTest, GradesDatesKindsAndSourcesAreSpelledOut) {
  ledger::v1::Entry entry = GoldenEntry();
  entry.mutable_outcome()->mutable_grade()->set_letter("优秀");
  entry.mutable_outcome()->set_kind(common::v1::OUTCOME_KIND_CONVERSION);
  entry.mutable_outcome()->set_sector(common::v1::SECTOR_OPEN_UNIVERSITY);
  entry.mutable_outcome()->add_source_entry_ids(3);
  entry.mutable_outcome()->add_source_entry_ids(5);
  entry.mutable_outcome()->mutable_valid_until()->set_year(2031);
  entry.mutable_outcome()->mutable_valid_until()->set_month(6);
  entry.mutable_outcome()->mutable_valid_until()->set_day(30);
  nlohmann::json leaf = nlohmann::json::parse(Hasher().LeafBytes(entry));
  EXPECT_EQ(leaf["grade"], nlohmann::json({{"letter", "优秀"}}));
  EXPECT_EQ(leaf["kind"], "conversion");
  EXPECT_EQ(leaf["sector"], "open_university");
  EXPECT_EQ(leaf["source_entry_ids"], nlohmann::json({3, 5}));
  EXPECT_EQ(leaf["valid_until"], "2031-06-30");

  entry.mutable_outcome()->mutable_grade()->set_passed(true);
  EXPECT_EQ(nlohmann::json::parse(Hasher().LeafBytes(entry))["grade"],
            nlohmann::json({{"passed", true}}));
  entry.mutable_outcome()->clear_grade();
  EXPECT_EQ(nlohmann::json::parse(Hasher().LeafBytes(entry))["grade"], nlohmann::json::object());
  // A value a later build may add keeps its number.
  entry.mutable_outcome()->set_kind(static_cast<common::v1::OutcomeKind>(42));
  EXPECT_EQ(nlohmann::json::parse(Hasher().LeafBytes(entry))["kind"], "42");
}

// Every enum value the build knows has a frozen v1 spelling (not its
// number), and it is the proto name in lower case without the prefix —
// today; a later rename of the proto value must not change it.
TEST(LeafTest, EveryKindAndSectorHasAFrozenSpelling) {
  auto spelled = [](const google::protobuf::EnumDescriptor* descriptor, const std::string& prefix,
                    const std::string& member, auto set) {
    for (int i = 0; i < descriptor->value_count(); ++i) {
      const google::protobuf::EnumValueDescriptor* value = descriptor->value(i);
      ledger::v1::Entry entry = GoldenEntry();
      set(entry, value->number());
      const nlohmann::json leaf = nlohmann::json::parse(Hasher().LeafBytes(entry));
      std::string expected = value->name().substr(prefix.size());
      for (char& c : expected) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      EXPECT_EQ(leaf[member], expected) << value->name() << ": give it a spelling in leaf.cc";
    }
  };
  spelled(common::v1::OutcomeKind_descriptor(), "OUTCOME_KIND_", "kind",
          [](ledger::v1::Entry& e, int n) {
            e.mutable_outcome()->set_kind(static_cast<common::v1::OutcomeKind>(n));
          });
  spelled(common::v1::Sector_descriptor(), "SECTOR_", "sector", [](ledger::v1::Entry& e, int n) {
    e.mutable_outcome()->set_sector(static_cast<common::v1::Sector>(n));
  });
}

// Each stored field changes the leaf; a field added to Entry or Outcome
// fails this test until it is in the leaf (or argued out of it here).
TEST(LeafTest, EveryStoredFieldIsInTheLeaf) {
  const std::set<std::string> entry_fields = {"entry_id", "institution_code", "outcome",
                                              "recorded_at", "reverses_entry_id",
                                              "reversal_reason",
                                              "reversed_by_entry_id"};  // read time only
  const std::set<std::string> outcome_fields = {
      "request_id",  // the institution's own bookkeeping
      "account_number", "kind", "code", "title", "credits_milli", "study_hours", "grade",
      "framework_level", "sector", "completion_date", "valid_until", "evidence_sha256",
      "source_entry_ids"};
  std::set<std::string> seen;
  const auto* entry_descriptor = ledger::v1::Entry::descriptor();
  for (int i = 0; i < entry_descriptor->field_count(); ++i) seen.insert(entry_descriptor->field(i)->name());
  EXPECT_EQ(seen, entry_fields);
  seen.clear();
  const auto* outcome_descriptor = ledger::v1::Outcome::descriptor();
  for (int i = 0; i < outcome_descriptor->field_count(); ++i) {
    seen.insert(outcome_descriptor->field(i)->name());
  }
  EXPECT_EQ(seen, outcome_fields);

  const std::string golden = Hasher().LeafBytes(GoldenEntry());
  using Change = void (*)(ledger::v1::Entry&);
  const std::vector<std::pair<std::string, Change>> changes = {
      {"entry_id", [](ledger::v1::Entry& e) { e.set_entry_id(8); }},
      {"institution_code", [](ledger::v1::Entry& e) { e.set_institution_code("4150013589"); }},
      {"recorded_at", [](ledger::v1::Entry& e) { e.mutable_recorded_at()->set_nanos(1); }},
      {"reverses_entry_id", [](ledger::v1::Entry& e) { e.set_reverses_entry_id(2); }},
      {"reversal_reason", [](ledger::v1::Entry& e) { e.set_reversal_reason("录入错误"); }},
      {"account_number",
       [](ledger::v1::Entry& e) { e.mutable_outcome()->set_account_number("6212345678901240"); }},
      {"kind",
       [](ledger::v1::Entry& e) { e.mutable_outcome()->set_kind(common::v1::OUTCOME_KIND_EXAM); }},
      {"code", [](ledger::v1::Entry& e) { e.mutable_outcome()->set_code("MATH102"); }},
      {"title", [](ledger::v1::Entry& e) { e.mutable_outcome()->set_title("高等数学（下）"); }},
      {"credits_milli", [](ledger::v1::Entry& e) { e.mutable_outcome()->set_credits_milli(3000); }},
      {"study_hours", [](ledger::v1::Entry& e) { e.mutable_outcome()->set_study_hours(40); }},
      {"grade",
       [](ledger::v1::Entry& e) {
         e.mutable_outcome()->mutable_grade()->mutable_score()->set_score_milli(60'000);
       }},
      {"framework_level", [](ledger::v1::Entry& e) { e.mutable_outcome()->set_framework_level(5); }},
      {"sector",
       [](ledger::v1::Entry& e) {
         e.mutable_outcome()->set_sector(common::v1::SECTOR_GENERAL_HIGHER);
       }},
      {"completion_date",
       [](ledger::v1::Entry& e) { e.mutable_outcome()->mutable_completion_date()->set_day(21); }},
      {"valid_until",
       [](ledger::v1::Entry& e) {
         e.mutable_outcome()->mutable_valid_until()->set_year(2030);
         e.mutable_outcome()->mutable_valid_until()->set_month(1);
         e.mutable_outcome()->mutable_valid_until()->set_day(1);
       }},
      {"evidence_sha256",
       [](ledger::v1::Entry& e) { e.mutable_outcome()->set_evidence_sha256(std::string(32, 'c')); }},
      {"source_entry_ids", [](ledger::v1::Entry& e) { e.mutable_outcome()->add_source_entry_ids(1); }},
  };
  for (const auto& [name, change] : changes) {
    ledger::v1::Entry entry = GoldenEntry();
    change(entry);
    EXPECT_NE(Hasher().LeafBytes(entry), golden) << name;
  }
  // Not in the leaf: the request id and the read-time reversal link.
  ledger::v1::Entry entry = GoldenEntry();
  entry.mutable_outcome()->set_request_id("another");
  entry.set_reversed_by_entry_id(99);
  EXPECT_EQ(Hasher().LeafBytes(entry), golden);
}

TEST(LeafTest, TheSaltDependsOnTheKeyAndTheEntryOnly) {
  const LeafHasher hasher = Hasher();
  EXPECT_EQ(hasher.Salt(7).size(), kLeafSaltBytes);
  EXPECT_EQ(hasher.Salt(7), Hasher().Salt(7));
  EXPECT_NE(hasher.Salt(7), hasher.Salt(8));
  EXPECT_NE(hasher.Salt(7), LeafHasher(LeafSaltKey(std::string(32, 'j'))).Salt(7));
  // The salt key is not the identity secret itself.
  EXPECT_NE(LeafSaltKey(kIdentitySecret), kIdentitySecret);
  EXPECT_EQ(LeafSaltKey(kIdentitySecret).size(), 32u);
}

TEST(LeafTest, JcsStringEscapes) {
  std::string out;
  AppendJcsString(out, "a\"b\\c\b\f\n\r\t\x01\x1f\x7f/é");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\\u001f\x7f/é\"");
}

}  // namespace
}  // namespace creditbank::domain::tlog
