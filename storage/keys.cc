#include "storage/keys.h"

namespace creditbank::storage {

void AppendUint64(std::string& out, uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

std::optional<uint64_t> ReadUint64(absl::string_view bytes, size_t offset) {
  if (bytes.size() < offset + 8) return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[offset + i]);
  }
  return value;
}

std::optional<uint64_t> ReadUint64Value(absl::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  return ReadUint64(bytes, 0);
}

std::string EntryKey(uint64_t entry_id) {
  std::string key;
  AppendUint64(key, entry_id);
  return key;
}

std::string AccountKey(uint64_t account_number) { return EntryKey(account_number); }
std::string AuditKey(uint64_t audit_id) { return EntryKey(audit_id); }
std::string AccountPrefix(uint64_t account_number) { return EntryKey(account_number); }

std::string LogNodeKey(int level, uint64_t index) {
  std::string key(1, static_cast<char>(level));
  AppendUint64(key, index);
  return key;
}

std::string AccountEntryKey(uint64_t account_number, uint64_t entry_id) {
  std::string key;
  key.reserve(16);
  AppendUint64(key, account_number);
  AppendUint64(key, entry_id);
  return key;
}

std::string ExpiryKey(uint64_t account_number, uint64_t entry_id) {
  return AccountEntryKey(account_number, entry_id);
}

std::string BalanceKey(uint64_t account_number, uint32_t sector,
                       uint32_t framework_level) {
  std::string key;
  key.reserve(10);
  AppendUint64(key, account_number);
  key.push_back(static_cast<char>(sector & 0xff));
  key.push_back(static_cast<char>(framework_level & 0xff));
  return key;
}

std::optional<BalanceKeyParts> ParseBalanceKey(absl::string_view key) {
  if (key.size() != 10) return std::nullopt;
  std::optional<uint64_t> account = ReadUint64(key, 0);
  if (!account) return std::nullopt;
  return BalanceKeyParts{*account, static_cast<unsigned char>(key[8]),
                         static_cast<unsigned char>(key[9])};
}

std::string IdempotencyKey(absl::string_view institution_code,
                           absl::string_view request_id) {
  std::string key;
  key.reserve(institution_code.size() + 1 + request_id.size());
  key.append(institution_code.data(), institution_code.size());
  key.push_back('\0');
  key.append(request_id.data(), request_id.size());
  return key;
}

}  // namespace creditbank::storage
