#include "domain/request_checks.h"

#include <algorithm>
#include <array>
#include <set>

#include "absl/strings/str_cat.h"
#include "domain/limits.h"
#include "domain/validation/dates.h"
#include "domain/validation/identity.h"
#include "domain/validation/text.h"

namespace creditbank::domain {
namespace {

using ::creditbank::common::v1::Grade;
namespace common = ::creditbank::common::v1;

constexpr std::array<absl::string_view, 18> kLetterGrades = {
    "A+", "A", "A-", "B+", "B", "B-", "C+", "C", "C-", "D+", "D", "D-", "F",
    "优秀", "良好", "中等", "及格", "不及格"};

void AddIfBad(absl::string_view field, const std::string& why, FieldViolations& violations) {
  if (!why.empty()) violations.Add(field, why);
}

bool IsRecordableKind(int kind) {
  return common::OutcomeKind_IsValid(kind) && kind != common::OUTCOME_KIND_UNSPECIFIED &&
         kind != common::OUTCOME_KIND_REVERSAL;
}

void CheckEmail(absl::string_view email, absl::string_view field, FieldViolations& violations) {
  if (email.empty()) return;
  if (email.size() > kMaxEmailLength) {
    violations.Add(field, absl::StrCat("must have at most ", kMaxEmailLength, " characters"));
    return;
  }
  size_t at = email.find('@');
  const absl::string_view domain =
      at == absl::string_view::npos ? absl::string_view() : email.substr(at + 1);
  // name@host.tld: one @, a name, and a domain of dot-separated non-empty
  // labels (at least two).
  bool shaped = at != absl::string_view::npos && at > 0 && !domain.empty() &&
                domain.find('@') == absl::string_view::npos &&
                domain.find('.') != absl::string_view::npos && domain.front() != '.' &&
                domain.back() != '.' && domain.find("..") == absl::string_view::npos;
  bool printable = std::all_of(email.begin(), email.end(), [](char c) {
    return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f;
  });
  if (!shaped || !printable) violations.Add(field, "must be an address like name@example.cn");
}

void CheckPhone(absl::string_view phone, absl::string_view field, FieldViolations& violations) {
  if (phone.empty()) return;
  absl::string_view digits = phone.front() == '+' ? phone.substr(1) : phone;
  bool all_digits = std::all_of(digits.begin(), digits.end(),
                                [](char c) { return c >= '0' && c <= '9'; });
  if (!all_digits || digits.size() < kMinPhoneDigits || digits.size() > kMaxPhoneDigits) {
    violations.Add(field, absl::StrCat("must be ", kMinPhoneDigits, "-", kMaxPhoneDigits,
                                       " digits with an optional leading +"));
  }
}

void CheckSourceEntries(const ledger::v1::Outcome& outcome, absl::string_view field,
                        FieldViolations& violations) {
  const bool conversion = outcome.kind() == common::OUTCOME_KIND_CONVERSION;
  const auto& sources = outcome.source_entry_ids();
  if (!conversion) {
    if (!sources.empty()) violations.Add(field, "only conversions name source entries");
    return;
  }
  if (sources.empty()) {
    violations.Add(field, "a conversion must name at least one source entry");
    return;
  }
  if (static_cast<size_t>(sources.size()) > kMaxSourceEntriesPerConversion) {
    violations.Add(field, absl::StrCat("at most ", kMaxSourceEntriesPerConversion,
                                       " source entries"));
    return;
  }
  std::set<uint64_t> seen;
  for (uint64_t id : sources) {
    if (id == 0) violations.Add(field, "entry ids start at 1");
    if (!seen.insert(id).second) violations.Add(field, absl::StrCat("entry ", id, " repeats"));
  }
}

void CheckAmounts(const ledger::v1::Outcome& outcome, absl::string_view prefix,
                  FieldViolations& violations) {
  const std::string credits_field = FieldPath(prefix, "credits_milli");
  if (outcome.credits_milli() < 0 || outcome.credits_milli() > kMaxCreditsMilliPerEntry) {
    violations.Add(credits_field, absl::StrCat("must be 0..", kMaxCreditsMilliPerEntry,
                                               " (thousandths of a credit)"));
  } else if (outcome.kind() == common::OUTCOME_KIND_COURSE_CREDIT &&
             outcome.credits_milli() == 0) {
    violations.Add(credits_field, "a course credit must carry credits");
  } else if (outcome.credits_milli() > 0 && IsFailingGrade(outcome.grade())) {
    violations.Add(credits_field, "a failing grade (F, 不及格, fail) earns no credits");
  }
  const std::string hours_field = FieldPath(prefix, "study_hours");
  if (outcome.study_hours() > kMaxStudyHoursPerEntry) {
    violations.Add(hours_field, absl::StrCat("must be at most ", kMaxStudyHoursPerEntry));
  } else if (outcome.kind() == common::OUTCOME_KIND_TRAINING_HOURS &&
             outcome.study_hours() == 0) {
    violations.Add(hours_field, "training hours must be positive");
  }
}

void CheckOutcomeDates(const ledger::v1::Outcome& outcome, absl::CivilDay today,
                       absl::string_view prefix, FieldViolations& violations) {
  const std::string completion_field = FieldPath(prefix, "completion_date");
  std::string why = CheckDate(outcome.completion_date(), kEarliestCompletionDay,
                              absl::CivilDay(kLatestYear, 12, 31));
  if (why.empty() && *ToCivilDay(outcome.completion_date()) > today) {
    why = absl::StrCat(FormatDate(outcome.completion_date()), " is in the future (today is ",
                       absl::FormatCivilTime(today), ")");
  }
  if (!why.empty()) {
    violations.Add(completion_field, why);
    return;
  }
  if (!IsDateSet(outcome.valid_until())) return;
  std::optional<absl::CivilDay> completed = ToCivilDay(outcome.completion_date());
  AddIfBad(FieldPath(prefix, "valid_until"),
           CheckDate(outcome.valid_until(), *completed + 1,
                     absl::CivilDay(kLatestYear, 12, 31)),
           violations);
}

}  // namespace

std::string FieldPath(absl::string_view prefix, absl::string_view field) {
  if (prefix.empty()) return std::string(field);
  return absl::StrCat(prefix, ".", field);
}

bool IsFailingGrade(const Grade& grade) {
  switch (grade.value_case()) {
    case Grade::kLetter:
      return grade.letter() == "F" || grade.letter() == "不及格";
    case Grade::kPassed:
      return !grade.passed();
    default:
      // A score's pass mark is the institution's (often 60 of 100): not ours
      // to judge.
      return false;
  }
}

bool IsKnownLetterGrade(absl::string_view letter) {
  return std::find(kLetterGrades.begin(), kLetterGrades.end(), letter) != kLetterGrades.end();
}

void CheckAccountNumberField(absl::string_view account_number, absl::string_view field,
                             FieldViolations& violations) {
  AddIfBad(field, CheckAccountNumber(account_number), violations);
}

void CheckInstitutionCodeField(absl::string_view code, absl::string_view field,
                               FieldViolations& violations) {
  AddIfBad(field, CheckIdentifier(code, kInstitutionCodeRules), violations);
}

void CheckReasonField(absl::string_view reason, absl::string_view field,
                      FieldViolations& violations) {
  AddIfBad(field, CheckDisplayText(reason, 1, kMaxReasonCharacters), violations);
}

void CheckRequestIdField(absl::string_view request_id, absl::string_view field,
                         FieldViolations& violations) {
  AddIfBad(field, CheckIdentifier(request_id, kRequestIdRules), violations);
}

void CheckSectorField(int sector, bool allow_unspecified, absl::string_view field,
                      FieldViolations& violations) {
  if (!common::Sector_IsValid(sector)) {
    violations.Add(field, absl::StrCat("unknown sector ", sector));
  } else if (sector == common::SECTOR_UNSPECIFIED && !allow_unspecified) {
    violations.Add(field, "must be set");
  }
}

void CheckPageSizeField(int page_size, absl::string_view field, FieldViolations& violations) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    violations.Add(field, absl::StrCat("must be 0..", kMaxPageSize, " (0 means ",
                                       kDefaultPageSize, ")"));
  }
}

void CheckPersonalDetails(const accounts::v1::PersonalDetails& details, absl::string_view field,
                          FieldViolations& violations) {
  AddIfBad(FieldPath(field, "name"), CheckDisplayText(details.name(), 1, kMaxNameCharacters),
           violations);
  CheckPhone(details.phone(), FieldPath(field, "phone"), violations);
  CheckEmail(details.email(), FieldPath(field, "email"), violations);
}

void CheckInstitutionName(absl::string_view name, absl::string_view field,
                          FieldViolations& violations) {
  AddIfBad(field, CheckDisplayText(name, 1, kMaxInstitutionNameCharacters), violations);
}

void CheckAccreditationScope(const institutions::v1::AccreditationScope& scope,
                             absl::string_view field, FieldViolations& violations) {
  if (scope.kinds().empty()) violations.Add(FieldPath(field, "kinds"), "must name at least one kind");
  for (int i = 0; i < scope.kinds_size(); ++i) {
    int kind = scope.kinds(i);
    if (!IsRecordableKind(kind)) {
      violations.Add(absl::StrCat(FieldPath(field, "kinds"), "[", i, "]"),
                     absl::StrCat("kind ", kind, " cannot be accredited"));
    }
  }
  if (scope.sectors().empty()) {
    violations.Add(FieldPath(field, "sectors"), "must name at least one sector");
  }
  for (int i = 0; i < scope.sectors_size(); ++i) {
    CheckSectorField(scope.sectors(i), false,
                     absl::StrCat(FieldPath(field, "sectors"), "[", i, "]"), violations);
  }
  if (scope.max_framework_level() < 1 || scope.max_framework_level() > kMaxFrameworkLevel) {
    violations.Add(FieldPath(field, "max_framework_level"),
                   absl::StrCat("must be 1..", kMaxFrameworkLevel));
  }
}

void CheckGrade(const Grade& grade, absl::string_view field,
                FieldViolations& violations) {
  switch (grade.value_case()) {
    case common::Grade::kScore: {
      const common::Score& score = grade.score();
      if (score.scale_milli() <= 0 || score.scale_milli() > kMaxScaleMilli) {
        violations.Add(FieldPath(field, "score.scale_milli"),
                       absl::StrCat("must be 1..", kMaxScaleMilli));
      } else if (score.score_milli() < 0 || score.score_milli() > score.scale_milli()) {
        violations.Add(FieldPath(field, "score.score_milli"),
                       "must be between 0 and the scale");
      }
      break;
    }
    case common::Grade::kLetter:
      if (!IsKnownLetterGrade(grade.letter())) {
        violations.Add(FieldPath(field, "letter"),
                       "must be one of A+ A A- B+ B B- C+ C C- D+ D D- F 优秀 良好 中等 及格 不及格");
      }
      break;
    case common::Grade::kPassed:
    case common::Grade::VALUE_NOT_SET:
      break;
  }
}

void CheckOutcome(const ledger::v1::Outcome& outcome, absl::CivilDay today,
                  absl::string_view field, FieldViolations& violations) {
  CheckRequestIdField(outcome.request_id(), FieldPath(field, "request_id"), violations);
  CheckAccountNumberField(outcome.account_number(), FieldPath(field, "account_number"),
                          violations);
  if (!IsRecordableKind(outcome.kind())) {
    violations.Add(FieldPath(field, "kind"),
                   outcome.kind() == common::OUTCOME_KIND_REVERSAL
                       ? "reversals are made with ReverseEntry"
                       : absl::StrCat("must be a known outcome kind, got ", outcome.kind()));
  }
  AddIfBad(FieldPath(field, "code"), CheckIdentifier(outcome.code(), kOutcomeCodeRules),
           violations);
  AddIfBad(FieldPath(field, "title"), CheckDisplayText(outcome.title(), 1, kMaxTitleCharacters),
           violations);
  CheckAmounts(outcome, field, violations);
  CheckGrade(outcome.grade(), FieldPath(field, "grade"), violations);
  if (outcome.framework_level() > kMaxFrameworkLevel) {
    violations.Add(FieldPath(field, "framework_level"),
                   absl::StrCat("must be 0 (none) or 1..", kMaxFrameworkLevel));
  }
  CheckSectorField(outcome.sector(), true, FieldPath(field, "sector"), violations);
  CheckOutcomeDates(outcome, today, field, violations);
  if (!outcome.evidence_sha256().empty() &&
      outcome.evidence_sha256().size() != kEvidenceDigestBytes) {
    violations.Add(FieldPath(field, "evidence_sha256"),
                   absl::StrCat("must be empty or ", kEvidenceDigestBytes, " bytes (SHA-256)"));
  }
  CheckSourceEntries(outcome, FieldPath(field, "source_entry_ids"), violations);
}

}  // namespace creditbank::domain
