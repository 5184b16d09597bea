// The rules service's rows in the store: frameworks, programmes and rule
// versions (table `rules`), conversion requests and their indexes (table
// `conversions`). Key layout (docs/storage.md):
//
//   rules        f/<framework id>                       -> rules.v1.Framework
//                p/<programme id>                       -> rules.v1.Programme
//                r/<programme id>/<rule id>/<version u32 BE> -> rules.v1.Rule
//   conversions  n                                      -> next request serial, u64 BE
//                q/<serial u64 BE>                      -> rules.v1.ConversionRequest
//                i/<account>/<request id>               -> serial (idempotency)
//                a/<account>/<serial>                   -> ""  (by account)
//                g/<programme id>/<serial>              -> ""  (by programme)
//                v/<serial>                             -> ""  (approved, sources to watch)
//
// Ids are [A-Za-z0-9._-], so "/" never occurs inside one. Reads come from
// the store; writes are staged on a UnitOfWork by the sequencer's
// commands (RowsCommand), so they commit atomically with their audit
// record.
#ifndef CREDITBANK_DOMAIN_RULES_RULES_STORE_H_
#define CREDITBANK_DOMAIN_RULES_RULES_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "creditbank/rules/v1/rules.pb.h"
#include "domain/rows_command.h"
#include "domain/sequencer.h"
#include "domain/unit_of_work.h"
#include "storage/store.h"

namespace creditbank::domain::rules {

namespace rules_api = ::creditbank::rules::v1;

std::string FrameworkKey(absl::string_view id);
std::string ProgrammeKey(absl::string_view id);
std::string RulePrefix(absl::string_view programme_id);
std::string RuleKey(absl::string_view programme_id, absl::string_view rule_id, uint32_t version);
inline constexpr absl::string_view kNextRequestSerialKey = "n";
std::string RequestKey(uint64_t serial);
std::string RequestIdKey(absl::string_view account_number, absl::string_view request_id);
std::string AccountIndexKey(absl::string_view account_number, uint64_t serial);
std::string ProgrammeIndexKey(absl::string_view programme_id, uint64_t serial);
std::string WatchKey(uint64_t serial);
// "CR-000042" <-> 42.
std::string RequestName(uint64_t serial);
std::optional<uint64_t> ParseRequestName(absl::string_view name);

// Reads, from the latest committed state.
class RulesReader {
 public:
  explicit RulesReader(const storage::Store& store) : store_(store) {}

  absl::StatusOr<std::vector<rules_api::Framework>> Frameworks() const;
  absl::StatusOr<std::optional<rules_api::Programme>> Programme(absl::string_view id) const;
  absl::StatusOr<std::vector<rules_api::Programme>> Programmes() const;
  // Every version of every rule of the programme, by rule id then version.
  absl::StatusOr<std::vector<rules_api::Rule>> Rules(absl::string_view programme_id) const;
  absl::StatusOr<std::optional<rules_api::ConversionRequest>> Request(uint64_t serial) const;
  // The serials under an index prefix ("a/<account>/", "g/<programme>/",
  // "v/"), above `after`, at most `limit`.
  absl::StatusOr<std::vector<uint64_t>> Serials(absl::string_view prefix, uint64_t after,
                                                size_t limit) const;

 private:
  const storage::Store& store_;
};

// Shared with the transcripts service (domain/rows_command.h).
using ::creditbank::domain::ParseStored;
using ::creditbank::domain::PutMessage;
using ::creditbank::domain::RowsCommand;

absl::StatusOr<std::optional<rules_api::ConversionRequest>> FindRequest(UnitOfWork& work,
                                                                        uint64_t serial);

}  // namespace creditbank::domain::rules

#endif  // CREDITBANK_DOMAIN_RULES_RULES_STORE_H_
