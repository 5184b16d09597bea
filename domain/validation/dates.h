// Calendar dates and timestamps. The bank keeps dates in its own time zone
// (Asia/Shanghai, a fixed UTC+8 with no daylight saving), so "today" is the
// same for every caller.
//
//   absl::CivilDay today = BankToday(clock.Now());
//   std::string why = CheckDate(outcome.completion_date(), kEarliestDay, today);
#ifndef CREDITBANK_DOMAIN_VALIDATION_DATES_H_
#define CREDITBANK_DOMAIN_VALIDATION_DATES_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "creditbank/common/v1/types.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace creditbank::domain {

inline constexpr int kBankUtcOffsetSeconds = 8 * 3600;

absl::TimeZone BankTimeZone();
absl::CivilDay BankToday(absl::Time now);

// The day a Date names, or nullopt when it is not a real calendar date in
// kEarliestYear..kLatestYear.
std::optional<absl::CivilDay> ToCivilDay(const common::v1::Date& date);
common::v1::Date ToDate(absl::CivilDay day);
bool IsDateSet(const common::v1::Date& date);

// "" when `date` is a real date within [earliest, latest]; else the reason.
std::string CheckDate(const common::v1::Date& date, absl::CivilDay earliest,
                      absl::CivilDay latest);

// Days since 1970-01-01 (compact storage of dates).
int32_t DaysSinceEpoch(absl::CivilDay day);
absl::CivilDay FromDaysSinceEpoch(int32_t days);

google::protobuf::Timestamp ToTimestamp(absl::Time time);
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);

std::string FormatDate(const common::v1::Date& date);  // 2026-07-01

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_VALIDATION_DATES_H_
