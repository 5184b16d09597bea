// fuzz_accounts_requests: creditbank.accounts.v1 requests as untrusted
// bytes. The first byte picks the RPC, the rest is parsed as its request
// message (bytes that do not parse are dropped); a parsed request goes to
// a Core over a real, seeded store (fuzz_core.h). Invariants, or abort:
//   - the error contract (CheckErrorContract);
//   - an opened account has a valid number and the details given
//     (decrypted back); opening the same person again gives the same
//     account (created = false), and so does finding the person;
//   - a status change leaves the status it names, and repeating it
//     succeeds with the same status (retries are harmless);
//   - the store stays consistent (checked periodically and at exit).
#include <cstddef>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "domain/validation/identity.h"
#include "tests/fuzz/fuzz_core.h"

namespace creditbank::fuzz {
namespace {

using accounts::v1::AccountStatus;

constexpr uint64_t kCheckEvery = 1000;

enum class Rpc : uint8_t { kOpen, kGet, kFreeze, kUnfreeze, kClose, kCount };

void CheckAccount(absl::string_view rpc, const accounts::v1::Account& account) {
  if (!domain::CheckAccountNumber(account.account_number()).empty() ||
      !accounts::v1::AccountStatus_IsValid(account.status()) ||
      account.status() == accounts::v1::ACCOUNT_STATUS_UNSPECIFIED) {
    Fail(rpc, absl::StrCat("a malformed account: ", account.ShortDebugString()));
  }
}

void FuzzOpen(domain::Core& core, const accounts::v1::OpenAccountRequest& request) {
  absl::StatusOr<accounts::v1::OpenAccountResponse> opened = core.OpenAccount(request);
  CheckErrorContract("OpenAccount", opened.status());
  if (!opened.ok()) return;
  CheckAccount("OpenAccount", opened->account());
  if (opened->created() && opened->account().status() != accounts::v1::ACCOUNT_STATUS_ACTIVE) {
    Fail("OpenAccount", "a new account is not active");
  }
  accounts::v1::PersonalDetails details = request.details();
  details.DiscardUnknownFields();
  if (opened->created() &&
      opened->account().details().SerializeAsString() != details.SerializeAsString()) {
    Fail("OpenAccount", absl::StrCat("the details read back differ: ",
                                     opened->account().details().ShortDebugString()));
  }
  absl::StatusOr<accounts::v1::OpenAccountResponse> again = core.OpenAccount(request);
  if (!again.ok() || again->created() ||
      again->account().account_number() != opened->account().account_number()) {
    Fail("OpenAccount", absl::StrCat("opened ", opened->account().account_number(),
                                     ", opening the same person again gave ",
                                     again.ok() ? again->ShortDebugString()
                                                : again.status().ToString()));
  }
  accounts::v1::GetAccountRequest by_identity;
  *by_identity.mutable_identity() = request.identity();
  absl::StatusOr<accounts::v1::Account> found = core.GetAccount(by_identity);
  if (!found.ok() || found->account_number() != opened->account().account_number()) {
    Fail("OpenAccount", absl::StrCat("opened ", opened->account().account_number(),
                                     ", finding the person gave ",
                                     found.ok() ? found->account_number() : found.status().ToString()));
  }
}

void FuzzGet(domain::Core& core, const accounts::v1::GetAccountRequest& request) {
  absl::StatusOr<accounts::v1::Account> account = core.GetAccount(request);
  CheckErrorContract("GetAccount", account.status());
  if (!account.ok()) return;
  CheckAccount("GetAccount", *account);
  if (request.has_account_number() && account->account_number() != request.account_number()) {
    Fail("GetAccount", absl::StrCat("asked for ", request.account_number(), ", got ",
                                    account->account_number()));
  }
}

using ChangeMethod = absl::StatusOr<accounts::v1::Account> (domain::Core::*)(
    const accounts::v1::ChangeAccountStatusRequest&);

void FuzzChange(domain::Core& core, absl::string_view rpc, ChangeMethod method,
                AccountStatus expected, const accounts::v1::ChangeAccountStatusRequest& request) {
  absl::StatusOr<accounts::v1::Account> changed = (core.*method)(request);
  CheckErrorContract(rpc, changed.status());
  if (!changed.ok()) return;
  CheckAccount(rpc, *changed);
  if (changed->status() != expected || changed->account_number() != request.account_number()) {
    Fail(rpc, absl::StrCat("left ", changed->ShortDebugString()));
  }
  absl::StatusOr<accounts::v1::Account> again = (core.*method)(request);
  if (!again.ok() || again->status() != expected ||
      again->status_history_size() != changed->status_history_size()) {
    Fail(rpc, absl::StrCat("repeating a change gave ",
                           again.ok() ? again->ShortDebugString() : again.status().ToString()));
  }
}

template <typename Request>
bool Parse(const uint8_t* data, size_t size, Request& request) {
  return request.ParseFromArray(data, static_cast<int>(size));
}

void RunOne(domain::Core& core, Rpc rpc, const uint8_t* data, size_t size) {
  accounts::v1::ChangeAccountStatusRequest change;
  switch (rpc) {
    case Rpc::kOpen:
      if (accounts::v1::OpenAccountRequest r; Parse(data, size, r)) FuzzOpen(core, r);
      break;
    case Rpc::kGet:
      if (accounts::v1::GetAccountRequest r; Parse(data, size, r)) FuzzGet(core, r);
      break;
    case Rpc::kFreeze:
      if (Parse(data, size, change)) {
        FuzzChange(core, "FreezeAccount", &domain::Core::FreezeAccount,
                   accounts::v1::ACCOUNT_STATUS_FROZEN, change);
      }
      break;
    case Rpc::kUnfreeze:
      if (Parse(data, size, change)) {
        FuzzChange(core, "UnfreezeAccount", &domain::Core::UnfreezeAccount,
                   accounts::v1::ACCOUNT_STATUS_ACTIVE, change);
      }
      break;
    case Rpc::kClose:
      if (Parse(data, size, change)) {
        FuzzChange(core, "CloseAccount", &domain::Core::CloseAccount,
                   accounts::v1::ACCOUNT_STATUS_CLOSED, change);
      }
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
