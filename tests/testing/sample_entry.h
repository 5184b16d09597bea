// One realistic ledger entry as the ledger stores it (a course credit of
// a vocational college, Chinese title, score grade, level, evidence
// digest), for tests and benchmarks of what is computed from entries. The
// leaf test's golden leaf is this entry's: change it and that test says so.
#ifndef CREDITBANK_TESTS_TESTING_SAMPLE_ENTRY_H_
#define CREDITBANK_TESTS_TESTING_SAMPLE_ENTRY_H_

#include <cstdint>
#include <string>

#include "creditbank/ledger/v1/ledger.pb.h"

namespace creditbank::testing {

// Entry `entry_id`, recorded 2026-07-01T04:00:00.25Z.
inline ledger::v1::Entry SampleCourseEntry(uint64_t entry_id) {
  ledger::v1::Entry entry;
  entry.set_entry_id(entry_id);
  entry.set_institution_code("4150013588");
  entry.mutable_recorded_at()->set_seconds(1782878400);  // 2026-07-01T04:00:00Z
  entry.mutable_recorded_at()->set_nanos(250'000'000);
  ledger::v1::Outcome& outcome = *entry.mutable_outcome();
  outcome.set_request_id("2026S1-MATH101-1");
  outcome.set_account_number("6212345678901232");
  outcome.set_kind(common::v1::OUTCOME_KIND_COURSE_CREDIT);
  outcome.set_code("MATH101");
  outcome.set_title("高等数学（上）");
  outcome.set_credits_milli(3500);
  outcome.set_study_hours(48);
  outcome.mutable_grade()->mutable_score()->set_score_milli(85'500);
  outcome.mutable_grade()->mutable_score()->set_scale_milli(100'000);
  outcome.set_framework_level(6);
  outcome.set_sector(common::v1::SECTOR_VOCATIONAL);
  outcome.mutable_completion_date()->set_year(2026);
  outcome.mutable_completion_date()->set_month(6);
  outcome.mutable_completion_date()->set_day(20);
  outcome.set_evidence_sha256(std::string(32, '\xab'));
  return entry;
}

}  // namespace creditbank::testing

#endif  // CREDITBANK_TESTS_TESTING_SAMPLE_ENTRY_H_
