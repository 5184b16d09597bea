#include "domain/validation/dates.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/limits.h"

namespace creditbank::domain {

absl::TimeZone BankTimeZone() {
  return absl::FixedTimeZone(kBankUtcOffsetSeconds);
}

absl::CivilDay BankToday(absl::Time now) {
  return absl::ToCivilDay(now, BankTimeZone());
}

bool IsDateSet(const common::v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

std::optional<absl::CivilDay> ToCivilDay(const common::v1::Date& date) {
  if (date.year() < kEarliestYear || date.year() > kLatestYear) return std::nullopt;
  if (date.month() < 1 || date.month() > 12 || date.day() < 1 || date.day() > 31) {
    return std::nullopt;
  }
  absl::CivilDay day(date.year(), date.month(), date.day());
  // CivilDay normalises 2026-02-30 to 2026-03-02; a real date survives.
  if (day.month() != date.month() || day.day() != date.day()) return std::nullopt;
  return day;
}

common::v1::Date ToDate(absl::CivilDay day) {
  common::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

std::string CheckDate(const common::v1::Date& date, absl::CivilDay earliest,
                      absl::CivilDay latest) {
  if (!IsDateSet(date)) return "must be set";
  std::optional<absl::CivilDay> day = ToCivilDay(date);
  if (!day) return absl::StrCat(FormatDate(date), " is not a calendar date");
  if (*day < earliest) {
    return absl::StrCat(FormatDate(date), " is before ", absl::FormatCivilTime(earliest));
  }
  if (*day > latest) {
    return absl::StrCat(FormatDate(date), " is after ", absl::FormatCivilTime(latest));
  }
  return "";
}

int32_t DaysSinceEpoch(absl::CivilDay day) {
  return static_cast<int32_t>(day - absl::CivilDay(1970, 1, 1));
}

absl::CivilDay FromDaysSinceEpoch(int32_t days) {
  return absl::CivilDay(1970, 1, 1) + days;
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  google::protobuf::Timestamp timestamp;
  const int64_t seconds = absl::ToUnixSeconds(time);
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
  return timestamp;
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

std::string FormatDate(const common::v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

}  // namespace creditbank::domain
