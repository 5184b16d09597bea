// Key encodings of every table. Numbers are big-endian so that byte order is
// numeric order: an account's entries scan in entry-id order. The layout is
// documented in docs/storage.md; changing it changes the on-disk format.
#ifndef CREDITBANK_STORAGE_KEYS_H_
#define CREDITBANK_STORAGE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"

namespace creditbank::storage {

// Meta table keys.
inline constexpr absl::string_view kSequencerStateKey = "sequencer_state";
inline constexpr absl::string_view kSchemaVersionKey = "schema_version";
// The on-disk format version this build reads and writes (docs/storage.md).
inline constexpr absl::string_view kSchemaVersion = "1";

void AppendUint64(std::string& out, uint64_t value);
// Reads 8 big-endian bytes at `offset`; nullopt when `bytes` is too short.
std::optional<uint64_t> ReadUint64(absl::string_view bytes, size_t offset);
// A value that is exactly one big-endian uint64 (identity index, reversal
// index); nullopt for any other length.
std::optional<uint64_t> ReadUint64Value(absl::string_view bytes);

std::string EntryKey(uint64_t entry_id);                   // 8 bytes
std::string AccountKey(uint64_t account_number);           // 8 bytes
std::string AccountEntryKey(uint64_t account_number, uint64_t entry_id);  // 16
std::string AccountPrefix(uint64_t account_number);        // 8 bytes
std::string BalanceKey(uint64_t account_number, uint32_t sector,
                       uint32_t framework_level);          // 10 bytes
std::string ExpiryKey(uint64_t account_number, uint64_t entry_id);  // 16
std::string AuditKey(uint64_t audit_id);                   // 8 bytes
// A transparency log node: the hash of leaves [index << level,
// (index + 1) << level); one level byte, then the index.
std::string LogNodeKey(int level, uint64_t index);         // 9 bytes
// Institution codes cannot hold NUL, so it separates the two parts.
std::string IdempotencyKey(absl::string_view institution_code,
                           absl::string_view request_id);

struct BalanceKeyParts {
  uint64_t account_number;
  uint32_t sector;
  uint32_t framework_level;
};
std::optional<BalanceKeyParts> ParseBalanceKey(absl::string_view key);

}  // namespace creditbank::storage

#endif  // CREDITBANK_STORAGE_KEYS_H_
