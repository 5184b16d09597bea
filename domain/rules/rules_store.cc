#include "domain/rules/rules_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "storage/keys.h"

namespace creditbank::domain::rules {
namespace {

using storage::Table;

std::string WithSerial(std::string prefix, uint64_t serial) {
  storage::AppendUint64(prefix, serial);
  return prefix;
}

// Every value under `prefix` of `table`, parsed.
template <typename Message>
absl::StatusOr<std::vector<Message>> ScanAll(const storage::Store& store, Table table,
                                             absl::string_view prefix, absl::string_view what) {
  std::vector<Message> messages;
  std::unique_ptr<storage::Cursor> cursor =
      store.Scan(table, prefix, storage::PrefixUpperBound(prefix));
  for (; cursor->Valid(); cursor->Next()) {
    ASSIGN_OR_RETURN(Message message, ParseStored<Message>(cursor->value(), what));
    messages.push_back(std::move(message));
  }
  RETURN_IF_ERROR(cursor->status());
  return messages;
}

}  // namespace

std::string FrameworkKey(absl::string_view id) { return absl::StrCat("f/", id); }
std::string ProgrammeKey(absl::string_view id) { return absl::StrCat("p/", id); }
std::string RulePrefix(absl::string_view programme_id) {
  return absl::StrCat("r/", programme_id, "/");
}
std::string RuleKey(absl::string_view programme_id, absl::string_view rule_id, uint32_t version) {
  std::string key = absl::StrCat(RulePrefix(programme_id), rule_id, "/");
  for (int shift = 24; shift >= 0; shift -= 8) key.push_back(static_cast<char>(version >> shift));
  return key;
}
std::string RequestKey(uint64_t serial) { return WithSerial("q/", serial); }
std::string RequestIdKey(absl::string_view account_number, absl::string_view request_id) {
  return absl::StrCat("i/", account_number, "/", request_id);
}
std::string AccountIndexKey(absl::string_view account_number, uint64_t serial) {
  return WithSerial(absl::StrCat("a/", account_number, "/"), serial);
}
std::string ProgrammeIndexKey(absl::string_view programme_id, uint64_t serial) {
  return WithSerial(absl::StrCat("g/", programme_id, "/"), serial);
}
std::string WatchKey(uint64_t serial) { return WithSerial("v/", serial); }

std::string RequestName(uint64_t serial) { return absl::StrFormat("CR-%06d", serial); }

std::optional<uint64_t> ParseRequestName(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, "CR-") || name.empty() || name.size() > 20) return std::nullopt;
  uint64_t serial = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  if (!absl::SimpleAtoi(name, &serial) || serial == 0) return std::nullopt;
  return serial;
}

absl::StatusOr<std::vector<rules_api::Framework>> RulesReader::Frameworks() const {
  return ScanAll<rules_api::Framework>(store_, Table::kRules, "f/", "framework");
}

absl::StatusOr<std::optional<rules_api::Programme>> RulesReader::Programme(
    absl::string_view id) const {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes, store_.Get(Table::kRules, ProgrammeKey(id)));
  if (!bytes) return std::nullopt;
  ASSIGN_OR_RETURN(rules_api::Programme programme,
                   ParseStored<rules_api::Programme>(*bytes, "programme"));
  return programme;
}

absl::StatusOr<std::vector<rules_api::Programme>> RulesReader::Programmes() const {
  return ScanAll<rules_api::Programme>(store_, Table::kRules, "p/", "programme");
}

absl::StatusOr<std::vector<rules_api::Rule>> RulesReader::Rules(
    absl::string_view programme_id) const {
  return ScanAll<rules_api::Rule>(store_, Table::kRules, RulePrefix(programme_id), "rule");
}

absl::StatusOr<std::optional<rules_api::ConversionRequest>> RulesReader::Request(
    uint64_t serial) const {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_.Get(Table::kConversions, RequestKey(serial)));
  if (!bytes) return std::nullopt;
  ASSIGN_OR_RETURN(rules_api::ConversionRequest request,
                   ParseStored<rules_api::ConversionRequest>(*bytes, "conversion request"));
  return request;
}

absl::StatusOr<std::vector<uint64_t>> RulesReader::Serials(absl::string_view prefix,
                                                           uint64_t after, size_t limit) const {
  std::vector<uint64_t> serials;
  std::unique_ptr<storage::Cursor> cursor = store_.Scan(
      Table::kConversions, WithSerial(std::string(prefix), after + 1),
      storage::PrefixUpperBound(prefix));
  for (; cursor->Valid() && serials.size() < limit; cursor->Next()) {
    std::optional<uint64_t> serial = storage::ReadUint64(cursor->key(), prefix.size());
    if (!serial) return absl::DataLossError("a stored conversion index key is damaged");
    serials.push_back(*serial);
  }
  RETURN_IF_ERROR(cursor->status());
  return serials;
}

absl::StatusOr<std::optional<rules_api::ConversionRequest>> FindRequest(UnitOfWork& work,
                                                                        uint64_t serial) {
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   work.FindRow(Table::kConversions, RequestKey(serial)));
  if (!bytes) return std::nullopt;
  ASSIGN_OR_RETURN(rules_api::ConversionRequest request,
                   ParseStored<rules_api::ConversionRequest>(*bytes, "conversion request"));
  return request;
}

}  // namespace creditbank::domain::rules
