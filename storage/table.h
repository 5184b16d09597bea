// Table: the logical tables of the credit bank store, one RocksDB column
// family each. docs/storage.md documents every table's keys and values.
#ifndef CREDITBANK_STORAGE_TABLE_H_
#define CREDITBANK_STORAGE_TABLE_H_

#include <array>
#include "absl/strings/string_view.h"

namespace creditbank::storage {

enum class Table : int {
  kMeta = 0,        // sequencer counters, schema version ("default" CF)
  kAccounts,        // account number -> AccountRecord
  kIdentityIndex,   // identity HMAC -> account number
  kInstitutions,    // institution code -> Institution
  kEntries,         // entry id -> Entry
  kAccountEntries,  // (account, entry id) -> empty
  kIdempotency,     // (institution, request id) -> IdempotencyRecord
  kReversals,       // reversed entry id -> reversal entry id
  kBalances,        // (account, sector, level) -> BalanceRecord
  kExpiry,          // (account, entry id) -> ExpiryRecord
  kAudit,           // audit id -> admin.v1.AuditRecord (append-only)
  kRules,           // frameworks, programmes, rule versions (rules service)
  kConversions,     // conversion requests and their indexes (rules service)
  kLog,             // (level, index) -> transparency log node hash
  kTranscripts,     // transcripts, their signing keys and status lists (transcripts service)
};

inline constexpr int kTableCount = 15;

// Column family names: part of the on-disk format, never rename.
inline constexpr std::array<absl::string_view, kTableCount> kTableNames = {
    "default",  "accounts",    "identity_index", "institutions", "entries",
    "account_entries", "idempotency", "reversals", "balances", "expiry", "audit",
    "rules",    "conversions", "log", "transcripts"};

inline absl::string_view TableName(Table table) {
  return kTableNames[static_cast<int>(table)];
}

}  // namespace creditbank::storage

#endif  // CREDITBANK_STORAGE_TABLE_H_
