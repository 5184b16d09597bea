#include "domain/balances.h"

#include "domain/validation/dates.h"

namespace creditbank::domain {
namespace {
namespace common = ::creditbank::common::v1;

bool IsConversion(const ledger::v1::Entry& entry) {
  return entry.outcome().kind() == common::OUTCOME_KIND_CONVERSION;
}
}  // namespace

Bucket BucketOf(const ledger::v1::Entry& entry) {
  return Bucket{static_cast<uint32_t>(entry.outcome().sector()),
                entry.outcome().framework_level()};
}

void AddEntry(const ledger::v1::Entry& entry, storage::v1::BalanceRecord& balance) {
  const int64_t credits = entry.outcome().credits_milli();
  if (IsConversion(entry)) {
    balance.set_converted_credits_milli(balance.converted_credits_milli() + credits);
  } else {
    balance.set_recorded_credits_milli(balance.recorded_credits_milli() + credits);
  }
  balance.set_recorded_study_hours(balance.recorded_study_hours() +
                                   entry.outcome().study_hours());
  balance.set_entry_count(balance.entry_count() + 1);
}

void AddReversal(const ledger::v1::Entry& original, storage::v1::BalanceRecord& balance) {
  balance.set_reversed_credits_milli(balance.reversed_credits_milli() +
                                     original.outcome().credits_milli());
  balance.set_reversed_study_hours(balance.reversed_study_hours() +
                                   original.outcome().study_hours());
  balance.set_reversal_count(balance.reversal_count() + 1);
}

std::optional<storage::v1::ExpiryRecord> ExpiryOf(const ledger::v1::Entry& entry) {
  if (!IsDateSet(entry.outcome().valid_until())) return std::nullopt;
  std::optional<absl::CivilDay> day = ToCivilDay(entry.outcome().valid_until());
  if (!day) return std::nullopt;
  storage::v1::ExpiryRecord record;
  record.set_valid_until_day(DaysSinceEpoch(*day));
  record.set_sector(entry.outcome().sector());
  record.set_framework_level(entry.outcome().framework_level());
  record.set_credits_milli(entry.outcome().credits_milli());
  return record;
}

bool IsExpired(const storage::v1::ExpiryRecord& expiry, absl::CivilDay today) {
  // valid_until is the last day the outcome counts.
  return FromDaysSinceEpoch(expiry.valid_until_day()) < today;
}

ledger::v1::Balance ToBalance(Bucket bucket, const storage::v1::BalanceRecord& record,
                              int64_t expired_credits_milli) {
  ledger::v1::Balance balance;
  balance.set_sector(static_cast<common::Sector>(bucket.sector));
  balance.set_framework_level(bucket.framework_level);
  balance.set_recorded_credits_milli(record.recorded_credits_milli());
  balance.set_converted_credits_milli(record.converted_credits_milli());
  balance.set_reversed_credits_milli(record.reversed_credits_milli());
  balance.set_expired_credits_milli(expired_credits_milli);
  balance.set_available_credits_milli(record.recorded_credits_milli() +
                                      record.converted_credits_milli() -
                                      record.reversed_credits_milli() - expired_credits_milli);
  balance.set_recorded_study_hours(record.recorded_study_hours());
  balance.set_reversed_study_hours(record.reversed_study_hours());
  balance.set_entry_count(record.entry_count());
  balance.set_reversal_count(record.reversal_count());
  return balance;
}

void AddToTotal(const ledger::v1::Balance& part, ledger::v1::Balance& total) {
  total.set_recorded_credits_milli(total.recorded_credits_milli() +
                                   part.recorded_credits_milli());
  total.set_converted_credits_milli(total.converted_credits_milli() +
                                    part.converted_credits_milli());
  total.set_reversed_credits_milli(total.reversed_credits_milli() +
                                   part.reversed_credits_milli());
  total.set_expired_credits_milli(total.expired_credits_milli() + part.expired_credits_milli());
  total.set_available_credits_milli(total.available_credits_milli() +
                                    part.available_credits_milli());
  total.set_recorded_study_hours(total.recorded_study_hours() + part.recorded_study_hours());
  total.set_reversed_study_hours(total.reversed_study_hours() + part.reversed_study_hours());
  total.set_entry_count(total.entry_count() + part.entry_count());
  total.set_reversal_count(total.reversal_count() + part.reversal_count());
}

}  // namespace creditbank::domain
