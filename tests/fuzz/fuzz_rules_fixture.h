// The fixed world fuzz_rules evaluates fuzzed rules in: one programme (an
// open university's bachelor in software engineering, with conversion
// caps), one learner's ledger, an open conversion request's grants and the
// evaluation date. Shared with fuzz_seed_generator, whose seed rules name
// these courses, categories, institutions and codes.
#ifndef CREDITBANK_TESTS_FUZZ_FUZZ_RULES_FIXTURE_H_
#define CREDITBANK_TESTS_FUZZ_FUZZ_RULES_FIXTURE_H_

#include <vector>

#include "absl/time/civil_time.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "creditbank/rules/v1/rules.pb.h"

namespace creditbank::fuzz {

inline constexpr char kRulesProgrammeId[] = "CQOU-SE-BSC";
// The awarding institution: it owns the programme and its rules, records
// the learner's own course credits and the conversions into the programme.
inline constexpr char kRulesProgrammeInstitution[] = "4150051501";
// Where the learner's other entries come from.
inline constexpr char kRulesUniversity[] = "4150010611";     // general higher education
inline constexpr char kRulesCollege[] = "4150013588";        // vocational college
inline constexpr char kRulesOldUniversity[] = "4131010001";  // studied there in 2011
inline constexpr char kRulesCertifier[] = "1100000018";      // 1+X certificates
inline constexpr char kRulesExamBoard[] = "1100000001";      // CET, NCRE
inline constexpr char kRulesTrainer[] = "9150000123";        // an employer's training centre

// 2026-09-01: recency windows and validity are judged on this day.
absl::CivilDay RulesFuzzAsOf();

// Categories GEN / MAJ / ELE, seven courses, 160 credits, at most 70% of
// them converted, at most 105 converted credits from one year's sources and
// 110 from one institution's. The caps stay above the 100 credits one
// conversion entry may carry, so an evaluator that lets a grant exceed that
// is caught rather than hidden by a cap.
rules::v1::Programme RulesFuzzProgramme();

// The learner's entries (entry ids 1..n, in id order): course credits,
// certificates, exams, training hours (more than a conversion entry may
// name as sources), prior learning; every grade kind, levels 0..7,
// completions from 2011 to after the evaluation date; a reversed entry and
// its reversal, an expired certificate, conversions into the programme
// (one built on the reversed entry) and one into another institution's.
std::vector<ledger::v1::Entry> RulesFuzzEntries();

// The grants of an open conversion request of the same learner: their
// sources are taken and their credits count against the caps.
std::vector<rules::v1::ProposedGrant> RulesFuzzReservedGrants();

}  // namespace creditbank::fuzz

#endif  // CREDITBANK_TESTS_FUZZ_FUZZ_RULES_FIXTURE_H_
