// Every limit of the credit bank, named once. Validation, the sequencer and
// the services read them from here; docs/errors.md quotes them.
#ifndef CREDITBANK_DOMAIN_LIMITS_H_
#define CREDITBANK_DOMAIN_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace creditbank::domain {

// Ledger entries.
inline constexpr int64_t kMaxCreditsMilliPerEntry = 100'000;  // 100 credits
inline constexpr uint32_t kMaxStudyHoursPerEntry = 10'000;
inline constexpr uint32_t kMaxFrameworkLevel = 10;  // national credit bank framework
inline constexpr size_t kMaxRequestIdLength = 64;
inline constexpr size_t kMaxOutcomeCodeLength = 32;
inline constexpr size_t kMaxTitleCharacters = 200;
inline constexpr size_t kMaxReasonCharacters = 500;
inline constexpr size_t kEvidenceDigestBytes = 32;  // SHA-256
inline constexpr size_t kMaxSourceEntriesPerConversion = 50;
inline constexpr int64_t kMaxScaleMilli = 1'000'000;  // a score scale of 1000 points
inline constexpr int kEarliestYear = 1900;
inline constexpr int kLatestYear = 9999;

// Batches and pages.
inline constexpr size_t kMaxOutcomesPerBatch = 1'000;
inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1'000;
// A page scans at most this many index rows before returning (possibly
// short) with a page token, so a selective filter cannot pin the server.
inline constexpr size_t kMaxRowsScannedPerPage = 10'000;
// Field violations reported for one request; the rest are summarised.
inline constexpr size_t kMaxFieldViolations = 100;

// Accounts.
inline constexpr size_t kAccountNumberDigits = 16;  // 15 + Luhn check digit
inline constexpr size_t kResidentIdLength = 18;
inline constexpr size_t kMaxNameCharacters = 64;
inline constexpr size_t kMinPhoneDigits = 5;
inline constexpr size_t kMaxPhoneDigits = 20;
inline constexpr size_t kMaxEmailLength = 254;
inline constexpr size_t kMinPassportNumberLength = 5;
inline constexpr size_t kMaxPassportNumberLength = 20;
// Account numbers are derived from a serial; a collision with an existing
// number moves to the next serial, at most this many times per open.
inline constexpr int kMaxAccountNumberAttempts = 16;

// Institutions.
inline constexpr size_t kMinInstitutionCodeLength = 2;
inline constexpr size_t kMaxInstitutionCodeLength = 32;
inline constexpr size_t kMaxInstitutionNameCharacters = 100;

// Sequencer (group commit).
inline constexpr size_t kMaxCommandsPerGroup = 512;
// Entries written by one group; bounds one WriteBatch and the latency of
// the requests that wait for it.
inline constexpr size_t kMaxEntriesPerGroup = 20'000;
// Entries (command weights) waiting for the sequencer; past it callers get
// UNAVAILABLE and retry. Bounds the memory queued requests hold.
inline constexpr size_t kMaxQueuedEntries = 200'000;

// Consistency check report.
inline constexpr size_t kMaxReportedDifferences = 100;

// Rules: frameworks, programmes, equivalence rules, conversion requests.
inline constexpr size_t kMinFrameworkIdLength = 2;
inline constexpr size_t kMaxFrameworkIdLength = 32;
inline constexpr size_t kMaxFrameworkLevels = 20;
// Crosswalk entries of one framework: a level to each of 25 frameworks.
inline constexpr size_t kMaxCrosswalkEntries = 500;
inline constexpr size_t kMinProgrammeIdLength = 2;
inline constexpr size_t kMaxProgrammeIdLength = 48;
inline constexpr size_t kMaxCategoryCodeLength = 32;
inline constexpr size_t kMaxCategoriesPerProgramme = 20;
inline constexpr size_t kMaxCoursesPerProgramme = 500;
// Required credits, category minimums and caps of a programme. Bounded so
// that sums over a programme cannot overflow.
inline constexpr int64_t kMaxProgrammeCreditsMilli = 1'000'000;  // 1000 credits
inline constexpr uint32_t kMaxConversionPermille = 1'000;  // 100%
inline constexpr size_t kMaxRulesPerApply = 1'000;
inline constexpr size_t kMaxRuleIdLength = 48;
// Groups within groups: the source condition's group is depth 1.
inline constexpr int kMaxConditionDepth = 5;
inline constexpr size_t kMaxConditionsPerGroup = 20;
inline constexpr size_t kMaxMatcherInstitutions = 50;
inline constexpr int64_t kMaxMinGradeScoreMilli = 100'000;  // 100 points
inline constexpr uint32_t kMaxWithinYears = 100;
inline constexpr uint32_t kMaxHoursPerCredit = 1'000;
inline constexpr size_t kProposalDigestBytes = 32;  // SHA-256
// Conversion request ids are "CR-" and a serial (a uint64: 20 digits).
inline constexpr size_t kMaxConversionRequestSerialDigits = 20;

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_LIMITS_H_
