// fuzz_institutions_requests: creditbank.institutions.v1 requests as
// untrusted bytes. The first byte picks the RPC, the rest is parsed as its
// request message (bytes that do not parse are dropped); a parsed request
// goes to a Core over a real, seeded store (fuzz_core.h). Invariants, or
// abort:
//   - the error contract (CheckErrorContract);
//   - a registered institution reads back the same; registering it again
//     with the same name and sector succeeds (idempotent);
//   - accrediting stores a sorted scope without repeats, a suspension or
//     reinstatement leaves the status it names, and repeating any change
//     succeeds with the same status;
//   - list pages match their filters, in code order, and their tokens work;
//   - the store stays consistent (checked periodically and at exit).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/fuzz/fuzz_core.h"

namespace creditbank::fuzz {
namespace {

using institutions::v1::Institution;
using institutions::v1::InstitutionStatus;

constexpr uint64_t kCheckEvery = 1000;
constexpr int kMaxPagesFollowed = 3;

enum class Rpc : uint8_t { kRegister, kAccredit, kSuspend, kReinstate, kGet, kList, kCount };

void CheckStored(domain::Core& core, absl::string_view rpc, const Institution& answered) {
  institutions::v1::GetInstitutionRequest get;
  get.set_code(answered.code());
  absl::StatusOr<Institution> stored = core.GetInstitution(get);
  if (!stored.ok() || stored->SerializeAsString() != answered.SerializeAsString()) {
    Fail(rpc, absl::StrCat("answered ", answered.ShortDebugString(), " but stored ",
                           stored.ok() ? stored->ShortDebugString() : stored.status().ToString()));
  }
}

void FuzzRegister(domain::Core& core, const institutions::v1::RegisterInstitutionRequest& request) {
  absl::StatusOr<Institution> registered = core.RegisterInstitution(request);
  CheckErrorContract("RegisterInstitution", registered.status());
  if (!registered.ok()) return;
  if (registered->code() != request.code() || registered->name() != request.name() ||
      registered->sector() != request.sector()) {
    Fail("RegisterInstitution", absl::StrCat("registered ", registered->ShortDebugString()));
  }
  CheckStored(core, "RegisterInstitution", *registered);
  absl::StatusOr<Institution> again = core.RegisterInstitution(request);
  if (!again.ok() || again->SerializeAsString() != registered->SerializeAsString()) {
    Fail("RegisterInstitution", "registering the same institution again did not answer the same");
  }
}

template <typename Repeated>
bool SortedUnique(const Repeated& values) {
  return std::adjacent_find(values.begin(), values.end(),
                            [](int a, int b) { return a >= b; }) == values.end();
}

void FuzzAccredit(domain::Core& core, const institutions::v1::AccreditInstitutionRequest& request) {
  absl::StatusOr<Institution> accredited = core.AccreditInstitution(request);
  CheckErrorContract("AccreditInstitution", accredited.status());
  if (!accredited.ok()) return;
  if (accredited->status() != institutions::v1::INSTITUTION_STATUS_ACCREDITED ||
      !SortedUnique(accredited->scope().kinds()) || !SortedUnique(accredited->scope().sectors()) ||
      accredited->scope().max_framework_level() != request.scope().max_framework_level()) {
    Fail("AccreditInstitution", absl::StrCat("left ", accredited->ShortDebugString()));
  }
  CheckStored(core, "AccreditInstitution", *accredited);
}

using ChangeMethod = absl::StatusOr<Institution> (domain::Core::*)(
    const institutions::v1::ChangeInstitutionStatusRequest&);

void FuzzChange(domain::Core& core, absl::string_view rpc, ChangeMethod method,
                const institutions::v1::ChangeInstitutionStatusRequest& request) {
  absl::StatusOr<Institution> changed = (core.*method)(request);
  CheckErrorContract(rpc, changed.status());
  if (!changed.ok()) return;
  const bool suspend = method == &domain::Core::SuspendInstitution;
  if (changed->code() != request.code() ||
      (changed->status() == institutions::v1::INSTITUTION_STATUS_SUSPENDED) != suspend) {
    Fail(rpc, absl::StrCat("left ", changed->ShortDebugString()));
  }
  CheckStored(core, rpc, *changed);
  absl::StatusOr<Institution> again = (core.*method)(request);
  if (!again.ok() || again->status() != changed->status()) {
    Fail(rpc, absl::StrCat("repeating the change gave ",
                           again.ok() ? again->ShortDebugString() : again.status().ToString()));
  }
}

void FuzzGet(domain::Core& core, const institutions::v1::GetInstitutionRequest& request) {
  absl::StatusOr<Institution> institution = core.GetInstitution(request);
  CheckErrorContract("GetInstitution", institution.status());
  if (institution.ok() && institution->code() != request.code()) {
    Fail("GetInstitution", absl::StrCat("asked for ", request.code(), ", got ", institution->code()));
  }
}

void FuzzList(domain::Core& core, institutions::v1::ListInstitutionsRequest request) {
  absl::StatusOr<institutions::v1::ListInstitutionsResponse> page = core.ListInstitutions(request);
  CheckErrorContract("ListInstitutions", page.status());
  const int page_size = request.page_size() == 0 ? 100 : request.page_size();
  std::string last_code;
  for (int followed = 0; page.ok(); ++followed) {
    if (page->institutions_size() > page_size) Fail("ListInstitutions", "a page is too long");
    for (const Institution& institution : page->institutions()) {
      if (institution.code() <= last_code ||
          (request.sector() != 0 && institution.sector() != request.sector()) ||
          (request.status() != 0 && institution.status() != request.status())) {
        Fail("ListInstitutions", absl::StrCat(institution.code(), " after ", last_code,
                                              " does not belong on the page"));
      }
      last_code = institution.code();
    }
    if (page->next_page_token().empty() || followed == kMaxPagesFollowed) return;
    request.set_page_token(page->next_page_token());
    page = core.ListInstitutions(request);
    if (!page.ok()) {
      Fail("ListInstitutions", absl::StrCat("the next page's token was refused: ",
                                            page.status().ToString()));
    }
  }
}

template <typename Request>
bool Parse(const uint8_t* data, size_t size, Request& request) {
  return request.ParseFromArray(data, static_cast<int>(size));
}

void RunOne(domain::Core& core, Rpc rpc, const uint8_t* data, size_t size) {
  institutions::v1::ChangeInstitutionStatusRequest change;
  switch (rpc) {
    case Rpc::kRegister:
      if (institutions::v1::RegisterInstitutionRequest r; Parse(data, size, r)) {
        FuzzRegister(core, r);
      }
      break;
    case Rpc::kAccredit:
      if (institutions::v1::AccreditInstitutionRequest r; Parse(data, size, r)) {
        FuzzAccredit(core, r);
      }
      break;
    case Rpc::kSuspend:
      if (Parse(data, size, change)) {
        FuzzChange(core, "SuspendInstitution", &domain::Core::SuspendInstitution, change);
      }
      break;
    case Rpc::kReinstate:
      if (Parse(data, size, change)) {
        FuzzChange(core, "ReinstateInstitution", &domain::Core::ReinstateInstitution, change);
      }
      break;
    case Rpc::kGet:
      if (institutions::v1::GetInstitutionRequest r; Parse(data, size, r)) FuzzGet(core, r);
      break;
    case Rpc::kList:
      if (institutions::v1::ListInstitutionsRequest r; Parse(data, size, r)) FuzzList(core, r);
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
