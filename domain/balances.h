// How entries move balances. The ledger commands use these when they write
// an entry, and the consistency check uses the same functions to recompute
// every balance from the entries, so the two cannot drift apart.
#ifndef CREDITBANK_DOMAIN_BALANCES_H_
#define CREDITBANK_DOMAIN_BALANCES_H_

#include <cstdint>
#include <optional>

#include "absl/time/civil_time.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "creditbank/storage/v1/records.pb.h"

namespace creditbank::domain {

struct Bucket {
  uint32_t sector;
  uint32_t framework_level;
};

// The bucket an entry counts in; a reversal counts in its original's.
Bucket BucketOf(const ledger::v1::Entry& entry);

// A recorded (non-reversal) entry adds its credits and hours.
void AddEntry(const ledger::v1::Entry& entry, storage::v1::BalanceRecord& balance);
// A reversal of `original` cancels what the original added.
void AddReversal(const ledger::v1::Entry& original, storage::v1::BalanceRecord& balance);

// The expiry record of an entry with a valid_until date, else nullopt.
std::optional<storage::v1::ExpiryRecord> ExpiryOf(const ledger::v1::Entry& entry);
bool IsExpired(const storage::v1::ExpiryRecord& expiry, absl::CivilDay today);

// The API view of one bucket, with its expired credits.
ledger::v1::Balance ToBalance(Bucket bucket, const storage::v1::BalanceRecord& record,
                              int64_t expired_credits_milli);
// Adds `part` into `total` (sector and level are left as they are).
void AddToTotal(const ledger::v1::Balance& part, ledger::v1::Balance& total);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_BALANCES_H_
