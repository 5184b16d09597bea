// fuzz_ledger_requests: creditbank.ledger.v1 requests as untrusted bytes.
// The first byte picks the RPC, the rest is parsed as its request message
// (bytes that do not parse are dropped, as the gRPC server would drop
// them); a parsed request goes to a Core over a real, seeded store
// (fuzz_core.h). Besides "no crash, no sanitizer report", every answer
// keeps these invariants, or the target aborts:
//   - the error contract (CheckErrorContract);
//   - RecordOutcome and RecordOutcomes agree: the same outcome sent
//     through the batch path is refused with the same code, reason and
//     fields, or, when it was recorded, replayed as the same entry;
//   - a request that succeeded succeeds again as a replay with the same
//     entry ids (idempotency), and a reversal shows on its original;
//   - pages hold the account's entries in id order and their tokens work;
//   - balances add up; and the store stays consistent (CheckConsistency,
//     every kCheckEvery inputs, before each fresh store and at exit).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "domain/errors.h"
#include "tests/fuzz/fuzz_core.h"

namespace creditbank::fuzz {
namespace {

using ledger::v1::RecordOutcomesRequest;
using ledger::v1::RecordOutcomesResponse;

constexpr uint64_t kCheckEvery = 500;
constexpr int kMaxPagesFollowed = 3;

enum class Rpc : uint8_t {
  kRecordOutcome,
  kRecordOutcomes,
  kReverseEntry,
  kGetEntry,
  kListEntries,
  kGetBalances,
  kCheckConsistency,
  kCount,
};

std::string Join(const std::vector<std::string>& fields) {
  return absl::StrCat("[", absl::StrJoin(fields, ", "), "]");
}

// The status of item `index` of a batch answer (OK when it has no error).
absl::Status ItemStatus(const RecordOutcomesResponse& response, int index) {
  const ledger::v1::ItemResult& result = response.results(index);
  if (!result.has_error() || result.error().code() == 0) return absl::OkStatus();
  return domain::FromRpcStatus(result.error());
}

void CheckItemResults(const RecordOutcomesRequest& request, const RecordOutcomesResponse& response) {
  if (response.results_size() != request.outcomes_size()) {
    Fail("RecordOutcomes", absl::StrCat(request.outcomes_size(), " outcomes answered with ",
                                        response.results_size(), " results"));
  }
  for (int i = 0; i < response.results_size(); ++i) {
    const ledger::v1::ItemResult& result = response.results(i);
    if (result.index() != static_cast<uint32_t>(i)) {
      Fail("RecordOutcomes", absl::StrCat("result ", i, " says index ", result.index()));
    }
    const absl::Status status = ItemStatus(response, i);
    if (status.ok()) {
      if (result.entry_id() == 0) Fail("RecordOutcomes", absl::StrCat("item ", i, " has no entry"));
      FuzzCore::Instance().Tally("RecordOutcomes item", status);  // failures: CheckErrorContract
      continue;
    }
    CheckErrorContract("RecordOutcomes item", status);
    const std::string prefix = absl::StrCat("outcomes[", i, "].");
    for (const std::string& field : domain::ErrorFields(status)) {
      if (!absl::StartsWith(field, prefix) && field != "institution_code") {
        Fail("RecordOutcomes", absl::StrCat("item ", i, " names field ", field));
      }
    }
    if (result.entry_id() != 0) {
      Fail("RecordOutcomes", absl::StrCat("failed item ", i, " has entry ", result.entry_id()));
    }
  }
}

// Refusing writes nothing, so the batch path must refuse the same way.
void CompareRefusals(const absl::Status& single, const absl::Status& batch, bool request_level) {
  if (batch.ok()) {
    Fail("RecordOutcome", absl::StrCat("refused (", single.ToString(),
                                       ") but RecordOutcomes recorded the same outcome"));
  }
  if (single.code() == absl::StatusCode::kInvalidArgument && request_level &&
      batch.code() != absl::StatusCode::kInvalidArgument) {
    // RecordOutcomes runs a batch even when no item is valid, so that an
    // unknown or suspended institution is reported as such rather than as
    // item errors (core_ledger.cc); RecordOutcome checks the fields first.
    if ((batch.code() != absl::StatusCode::kNotFound &&
         batch.code() != absl::StatusCode::kFailedPrecondition) ||
        domain::ErrorFields(batch) != std::vector<std::string>{"institution_code"}) {
      Fail("RecordOutcome", absl::StrCat("refused with ", single.ToString(),
                                         " but RecordOutcomes with ", batch.ToString()));
    }
    return;
  }
  if (batch.code() != single.code() || domain::ErrorReason(batch) != domain::ErrorReason(single)) {
    Fail("RecordOutcome", absl::StrCat("refused with ", single.ToString(),
                                       " but RecordOutcomes with ", batch.ToString()));
  }
  std::vector<std::string> expected = FieldsWithPrefix(single, "outcome.", "outcomes[0].");
  if (request_level) {
    // A request-level refusal of a batch lists only request fields.
    std::erase_if(expected, [](const std::string& f) { return absl::StartsWith(f, "outcomes[0]."); });
  }
  const std::vector<std::string> got = FieldsWithPrefix(batch, "", "");
  if (got != expected) {
    Fail("RecordOutcome", absl::StrCat("refused naming ", Join(expected),
                                       " but RecordOutcomes naming ", Join(got)));
  }
}

void FuzzRecordOutcome(domain::Core& core, const ledger::v1::RecordOutcomeRequest& request) {
  absl::StatusOr<ledger::v1::RecordOutcomeResponse> single = core.RecordOutcome(request);
  CheckErrorContract("RecordOutcome", single.status());
  if (single.ok()) {
    const ledger::v1::Entry& entry = single->entry();
    if (entry.entry_id() == 0 || entry.institution_code() != request.institution_code() ||
        entry.outcome().request_id() != request.outcome().request_id() ||
        entry.outcome().account_number() != request.outcome().account_number() ||
        entry.outcome().sector() == common::v1::SECTOR_UNSPECIFIED) {
      Fail("RecordOutcome", absl::StrCat("the entry does not match the request: ",
                                         entry.ShortDebugString()));
    }
  }
  RecordOutcomesRequest batch;
  batch.set_institution_code(request.institution_code());
  *batch.add_outcomes() = request.outcome();
  absl::StatusOr<RecordOutcomesResponse> through_batch = core.RecordOutcomes(batch);
  CheckErrorContract("RecordOutcomes", through_batch.status());
  if (through_batch.ok()) CheckItemResults(batch, *through_batch);
  const absl::Status batch_status =
      through_batch.ok() ? ItemStatus(*through_batch, 0) : through_batch.status();
  if (!single.ok()) {
    CompareRefusals(single.status(), batch_status, !through_batch.ok());
    return;
  }
  if (!batch_status.ok() || !through_batch->results(0).replayed() ||
      through_batch->results(0).entry_id() != single->entry().entry_id()) {
    Fail("RecordOutcome", absl::StrCat("recorded as entry ", single->entry().entry_id(),
                                       " but RecordOutcomes answered ",
                                       through_batch->ShortDebugString()));
  }
}

void FuzzRecordOutcomes(domain::Core& core, const RecordOutcomesRequest& request) {
  absl::StatusOr<RecordOutcomesResponse> first = core.RecordOutcomes(request);
  CheckErrorContract("RecordOutcomes", first.status());
  if (!first.ok()) return;
  CheckItemResults(request, *first);
  absl::StatusOr<RecordOutcomesResponse> again = core.RecordOutcomes(request);
  if (!again.ok()) {
    Fail("RecordOutcomes", absl::StrCat("succeeded, then failed as a retry: ",
                                        again.status().ToString()));
  }
  CheckItemResults(request, *again);
  for (int i = 0; i < first->results_size(); ++i) {
    if (!ItemStatus(*first, i).ok()) continue;
    const ledger::v1::ItemResult& retried = again->results(i);
    if (!ItemStatus(*again, i).ok() || !retried.replayed() ||
        retried.entry_id() != first->results(i).entry_id()) {
      Fail("RecordOutcomes", absl::StrCat("item ", i, " was entry ", first->results(i).entry_id(),
                                          ", its retry answered ", retried.ShortDebugString()));
    }
  }
}

void FuzzReverseEntry(domain::Core& core, const ledger::v1::ReverseEntryRequest& request) {
  absl::StatusOr<ledger::v1::RecordOutcomeResponse> first = core.ReverseEntry(request);
  CheckErrorContract("ReverseEntry", first.status());
  if (!first.ok()) return;
  const ledger::v1::Entry& reversal = first->entry();
  if (reversal.entry_id() == 0 ||
      reversal.outcome().kind() != common::v1::OUTCOME_KIND_REVERSAL ||
      reversal.reverses_entry_id() != request.entry_id() ||
      reversal.institution_code() != request.institution_code() ||
      reversal.outcome().account_number() != request.account_number()) {
    Fail("ReverseEntry", absl::StrCat("the reversal does not match the request: ",
                                      reversal.ShortDebugString()));
  }
  absl::StatusOr<ledger::v1::RecordOutcomeResponse> again = core.ReverseEntry(request);
  if (!again.ok() || !again->replayed() || again->entry().entry_id() != reversal.entry_id()) {
    Fail("ReverseEntry", absl::StrCat("reversed as entry ", reversal.entry_id(), ", the retry gave ",
                                      again.ok() ? again->ShortDebugString()
                                                 : again.status().ToString()));
  }
  ledger::v1::GetEntryRequest get;
  get.set_entry_id(request.entry_id());
  absl::StatusOr<ledger::v1::Entry> original = core.GetEntry(get);
  if (!original.ok() || original->reversed_by_entry_id() != reversal.entry_id()) {
    Fail("ReverseEntry", absl::StrCat("entry ", request.entry_id(), " does not show its reversal ",
                                      reversal.entry_id()));
  }
}

void FuzzGetEntry(domain::Core& core, const ledger::v1::GetEntryRequest& request) {
  absl::StatusOr<ledger::v1::Entry> entry = core.GetEntry(request);
  CheckErrorContract("GetEntry", entry.status());
  if (!entry.ok()) return;
  if (entry->entry_id() != request.entry_id()) {
    Fail("GetEntry", absl::StrCat("asked for ", request.entry_id(), ", got ", entry->entry_id()));
  }
  if (entry->outcome().kind() == common::v1::OUTCOME_KIND_REVERSAL &&
      (entry->reverses_entry_id() == 0 || entry->reverses_entry_id() >= entry->entry_id())) {
    Fail("GetEntry", absl::StrCat("reversal reverses entry ", entry->reverses_entry_id()));
  }
}

void CheckPage(const ledger::v1::ListEntriesRequest& request,
               const ledger::v1::ListEntriesResponse& page, uint64_t& last_id) {
  const int page_size = request.page_size() == 0 ? 100 : request.page_size();
  if (page.entries_size() > page_size) {
    Fail("ListEntries", absl::StrCat(page.entries_size(), " entries on a page of ", page_size));
  }
  for (const ledger::v1::Entry& entry : page.entries()) {
    if (entry.outcome().account_number() != request.account_number() || entry.entry_id() <= last_id) {
      Fail("ListEntries", absl::StrCat("entry ", entry.entry_id(), " of account ",
                                       entry.outcome().account_number(), " after entry ", last_id));
    }
    if ((request.kind() != 0 && entry.outcome().kind() != request.kind()) ||
        (request.sector() != 0 && entry.outcome().sector() != request.sector()) ||
        (!request.institution_code().empty() &&
         entry.institution_code() != request.institution_code())) {
      Fail("ListEntries", absl::StrCat("entry ", entry.entry_id(), " does not match the filters"));
    }
    last_id = entry.entry_id();
  }
}

void FuzzListEntries(domain::Core& core, ledger::v1::ListEntriesRequest request) {
  absl::StatusOr<ledger::v1::ListEntriesResponse> page = core.ListEntries(request);
  CheckErrorContract("ListEntries", page.status());
  uint64_t last_id = 0;
  for (int followed = 0; page.ok(); ++followed) {
    CheckPage(request, *page, last_id);
    if (page->next_page_token().empty() || followed == kMaxPagesFollowed) return;
    request.set_page_token(page->next_page_token());
    page = core.ListEntries(request);
    if (!page.ok()) {
      Fail("ListEntries", absl::StrCat("the next page's token was refused: ",
                                       page.status().ToString()));
    }
  }
}

void CheckBalance(const ledger::v1::Balance& balance) {
  if (balance.available_credits_milli() !=
      balance.recorded_credits_milli() + balance.converted_credits_milli() -
          balance.reversed_credits_milli() - balance.expired_credits_milli()) {
    Fail("GetBalances", absl::StrCat("a balance does not add up: ", balance.ShortDebugString()));
  }
}

void FuzzGetBalances(domain::Core& core, const ledger::v1::GetBalancesRequest& request) {
  absl::StatusOr<ledger::v1::GetBalancesResponse> balances = core.GetBalances(request);
  CheckErrorContract("GetBalances", balances.status());
  if (!balances.ok()) return;
  int64_t available = 0;
  uint64_t entries = 0;
  for (const ledger::v1::Balance& balance : balances->balances()) {
    CheckBalance(balance);
    available += balance.available_credits_milli();
    entries += balance.entry_count();
  }
  CheckBalance(balances->total());
  if (balances->total().available_credits_milli() != available ||
      balances->total().entry_count() != entries) {
    Fail("GetBalances", absl::StrCat("the total is not the sum: ", balances->ShortDebugString()));
  }
}

void FuzzCheckConsistency(domain::Core& core, const ledger::v1::CheckConsistencyRequest& request) {
  absl::StatusOr<ledger::v1::CheckConsistencyResponse> report = core.CheckConsistency(request);
  if (!report.ok() || !report->consistent()) {
    Fail("CheckConsistency", report.ok() ? absl::StrJoin(report->differences(), "\n")
                                         : report.status().ToString());
  }
}

template <typename Request>
bool Parse(const uint8_t* data, size_t size, Request& request) {
  return request.ParseFromArray(data, static_cast<int>(size));
}

void RunOne(domain::Core& core, Rpc rpc, const uint8_t* data, size_t size) {
  switch (rpc) {
    case Rpc::kRecordOutcome:
      if (ledger::v1::RecordOutcomeRequest r; Parse(data, size, r)) FuzzRecordOutcome(core, r);
      break;
    case Rpc::kRecordOutcomes:
      if (RecordOutcomesRequest r; Parse(data, size, r)) FuzzRecordOutcomes(core, r);
      break;
    case Rpc::kReverseEntry:
      if (ledger::v1::ReverseEntryRequest r; Parse(data, size, r)) FuzzReverseEntry(core, r);
      break;
    case Rpc::kGetEntry:
      if (ledger::v1::GetEntryRequest r; Parse(data, size, r)) FuzzGetEntry(core, r);
      break;
    case Rpc::kListEntries:
      if (ledger::v1::ListEntriesRequest r; Parse(data, size, r)) FuzzListEntries(core, r);
      break;
    case Rpc::kGetBalances:
      if (ledger::v1::GetBalancesRequest r; Parse(data, size, r)) FuzzGetBalances(core, r);
      break;
    case Rpc::kCheckConsistency:
      if (ledger::v1::CheckConsistencyRequest r; Parse(data, size, r)) FuzzCheckConsistency(core, r);
      break;
    case Rpc::kCount:
      break;
  }
}

}  // namespace
}  // namespace creditbank::fuzz

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  creditbank::fuzz::FuzzCore::Instance();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using creditbank::fuzz::Rpc;
  if (size < 1) return 0;
  creditbank::fuzz::FuzzCore& fuzz = creditbank::fuzz::FuzzCore::Instance();
  const auto rpc = static_cast<Rpc>(data[0] % static_cast<uint8_t>(Rpc::kCount));
  creditbank::fuzz::RunOne(fuzz.core(), rpc, data + 1, size - 1);
  fuzz.AfterInput(creditbank::fuzz::kCheckEvery);
  return 0;
}
