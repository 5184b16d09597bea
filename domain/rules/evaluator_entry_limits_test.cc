// A grant is written as one conversion entry when its request is approved,
// so it must be an entry the ledger accepts: at most
// kMaxCreditsMilliPerEntry credits and kMaxSourceEntriesPerConversion
// sources. Only a rate grant can exceed either (fixed credits are checked
// when the rules are applied). Found by fuzz_rules
// (tests/fuzz/regressions/fuzz_rules/rate_grant_beyond_one_conversion_entry):
// a rate over every entry with study hours named 52 sources.
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "domain/limits.h"
#include "domain/rules/evaluator.h"
#include "domain/rules/frameworks.h"
#include "domain/validation/dates.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace creditbank::domain::rules {
namespace {

namespace common = ::creditbank::common::v1;
using ::testing::ElementsAre;

constexpr absl::CivilDay kAsOf(2026, 9, 1);

rules_api::Programme Programme() {
  rules_api::Programme programme;
  programme.set_id("OU-SE");
  programme.set_institution_code("4150051501");
  programme.set_title("软件工程");
  programme.set_framework_level(6);
  programme.set_required_credits_milli(300'000);  // no conversion caps
  rules_api::Category* category = programme.add_categories();
  category->set_code("ELE");
  category->set_min_credits_milli(20'000);
  return programme;
}

// A rate rule: every training entry, at `hours_per_credit`.
rules_api::Rule RateRule(const std::string& id, uint32_t priority, uint32_t hours_per_credit) {
  rules_api::Rule rule;
  rule.set_id(id);
  rule.set_version(1);
  rule.set_priority(priority);
  *rule.mutable_effective_from() = ToDate(absl::CivilDay(2020, 1, 1));
  rule.mutable_source()->mutable_match()->set_kind(common::OUTCOME_KIND_TRAINING_HOURS);
  rule.mutable_grant()->set_category("ELE");
  rule.mutable_grant()->set_hours_per_credit(hours_per_credit);
  return rule;
}

// `count` training entries of `hours` each, entry ids 1..count.
std::vector<ledger::v1::Entry> Trainings(int count, uint32_t hours) {
  std::vector<ledger::v1::Entry> entries;
  for (int i = 1; i <= count; ++i) {
    ledger::v1::Entry& entry = entries.emplace_back();
    entry.set_entry_id(i);
    entry.set_institution_code("9150000123");
    ledger::v1::Outcome* outcome = entry.mutable_outcome();
    outcome->set_account_number("6212345678901232");
    outcome->set_kind(common::OUTCOME_KIND_TRAINING_HOURS);
    outcome->set_code(absl::StrFormat("TRN-%02d", i));
    outcome->set_study_hours(hours);
    outcome->set_sector(common::SECTOR_ENTERPRISE_TRAINING);
    *outcome->mutable_completion_date() = ToDate(absl::CivilDay(2025, 1, 1) + i);
  }
  return entries;
}

rules_api::Proposal EvaluateRules(std::vector<rules_api::Rule> rules,
                                  const std::vector<ledger::v1::Entry>& entries) {
  absl::StatusOr<std::shared_ptr<const CompiledRules>> compiled =
      CompiledRules::Compile(Programme(), std::move(rules), DefaultFrameworks());
  EXPECT_TRUE(compiled.ok()) << compiled.status();
  if (!compiled.ok()) return rules_api::Proposal();
  EvaluationContext context;
  context.as_of = kAsOf;
  return Evaluate(**compiled, entries, context);
}

TEST(EvaluatorEntryLimitsTest, RateGrantNamesTheEarliestSourcesOneEntryMayName) {
  // 60 sessions of 2 hours: the first rule takes entries 1..50, the next
  // rule the 10 left free.
  const rules_api::Proposal proposal =
      EvaluateRules({RateRule("RATE-A", 0, 2), RateRule("RATE-B", 1, 2)}, Trainings(60, 2));
  ASSERT_EQ(proposal.grants_size(), 2);
  const rules_api::ProposedGrant& first = proposal.grants(0);
  EXPECT_EQ(first.rule_id(), "RATE-A");
  ASSERT_EQ(static_cast<size_t>(first.source_entry_ids_size()), kMaxSourceEntriesPerConversion);
  EXPECT_EQ(first.source_entry_ids(0), 1u);
  EXPECT_EQ(first.source_entry_ids(49), 50u);
  EXPECT_EQ(first.credits_milli(), 50'000);
  const rules_api::ProposedGrant& second = proposal.grants(1);
  EXPECT_EQ(second.rule_id(), "RATE-B");
  EXPECT_EQ(second.source_entry_ids_size(), 10);
  EXPECT_EQ(second.source_entry_ids(0), 51u);
  EXPECT_EQ(second.credits_milli(), 10'000);
}

TEST(EvaluatorEntryLimitsTest, RateGrantCarriesAtMostOneEntrysCredits) {
  // 20 sessions of 100 hours at 10 hours per credit: 200 credits.
  const rules_api::Proposal proposal = EvaluateRules({RateRule("RATE", 0, 10)}, Trainings(20, 100));
  ASSERT_EQ(proposal.grants_size(), 1);
  const rules_api::ProposedGrant& grant = proposal.grants(0);
  EXPECT_EQ(grant.credits_milli(), kMaxCreditsMilliPerEntry);
  EXPECT_EQ(grant.uncapped_credits_milli(), 200'000);
  EXPECT_THAT(grant.notes(),
              ElementsAre("2000 study hours at 10 hours per credit",
                          "capped from 200 to 100 credits, the most one conversion entry carries"));
}

}  // namespace
}  // namespace creditbank::domain::rules
