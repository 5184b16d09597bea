// Request builders for Core tests, so each test states only what matters.
//
//   auto response = core.RecordOutcome(RecordRequest("4150013588", outcome));
//   auto reversal = core.ReverseEntry(ReverseRequest("4150013588", "fix-1", account, 1));
#ifndef CREDITBANK_TESTS_TESTING_REQUESTS_H_
#define CREDITBANK_TESTS_TESTING_REQUESTS_H_

#include <initializer_list>
#include <string>
#include <vector>

#include "creditbank/accounts/v1/accounts.pb.h"
#include "creditbank/institutions/v1/institutions.pb.h"
#include "creditbank/ledger/v1/ledger.pb.h"

namespace creditbank::testing {

inline ledger::v1::RecordOutcomeRequest RecordRequest(const std::string& institution_code,
                                                      const ledger::v1::Outcome& outcome) {
  ledger::v1::RecordOutcomeRequest request;
  request.set_institution_code(institution_code);
  *request.mutable_outcome() = outcome;
  return request;
}

inline ledger::v1::RecordOutcomesRequest BatchRequest(
    const std::string& institution_code, const std::vector<ledger::v1::Outcome>& outcomes,
    bool atomic) {
  ledger::v1::RecordOutcomesRequest request;
  request.set_institution_code(institution_code);
  for (const ledger::v1::Outcome& outcome : outcomes) *request.add_outcomes() = outcome;
  request.set_atomic(atomic);
  return request;
}

inline ledger::v1::ReverseEntryRequest ReverseRequest(const std::string& institution_code,
                                                      const std::string& request_id,
                                                      const std::string& account_number,
                                                      uint64_t entry_id,
                                                      const std::string& reason = "成绩录入错误") {
  ledger::v1::ReverseEntryRequest request;
  request.set_institution_code(institution_code);
  request.set_request_id(request_id);
  request.set_account_number(account_number);
  request.set_entry_id(entry_id);
  request.set_reason(reason);
  return request;
}

inline ledger::v1::GetEntryRequest EntryRequest(uint64_t entry_id) {
  ledger::v1::GetEntryRequest request;
  request.set_entry_id(entry_id);
  return request;
}

inline ledger::v1::GetBalancesRequest BalancesRequest(const std::string& account_number) {
  ledger::v1::GetBalancesRequest request;
  request.set_account_number(account_number);
  return request;
}

inline ledger::v1::ListEntriesRequest ListRequest(const std::string& account_number,
                                                  int page_size = 0) {
  ledger::v1::ListEntriesRequest request;
  request.set_account_number(account_number);
  request.set_page_size(page_size);
  return request;
}

inline accounts::v1::ChangeAccountStatusRequest StatusRequest(const std::string& account_number,
                                                              const std::string& reason) {
  accounts::v1::ChangeAccountStatusRequest request;
  request.set_account_number(account_number);
  request.set_reason(reason);
  return request;
}

inline accounts::v1::GetAccountRequest AccountByNumber(const std::string& account_number) {
  accounts::v1::GetAccountRequest request;
  request.set_account_number(account_number);
  return request;
}

inline accounts::v1::GetAccountRequest AccountByResidentId(const std::string& resident_id) {
  accounts::v1::GetAccountRequest request;
  request.mutable_identity()->set_resident_id(resident_id);
  return request;
}

inline institutions::v1::RegisterInstitutionRequest RegisterRequest(const std::string& code,
                                                                    const std::string& name,
                                                                    int sector) {
  institutions::v1::RegisterInstitutionRequest request;
  request.set_code(code);
  request.set_name(name);
  request.set_sector(static_cast<common::v1::Sector>(sector));
  return request;
}

inline institutions::v1::AccreditationScope Scope(std::initializer_list<int> kinds,
                                                  std::initializer_list<int> sectors,
                                                  uint32_t max_framework_level) {
  institutions::v1::AccreditationScope scope;
  for (int kind : kinds) scope.add_kinds(static_cast<common::v1::OutcomeKind>(kind));
  for (int sector : sectors) scope.add_sectors(static_cast<common::v1::Sector>(sector));
  scope.set_max_framework_level(max_framework_level);
  return scope;
}

inline institutions::v1::AccreditInstitutionRequest AccreditRequest(
    const std::string& code, const institutions::v1::AccreditationScope& scope,
    const std::string& reason = "渝教职成〔2026〕12号") {
  institutions::v1::AccreditInstitutionRequest request;
  request.set_code(code);
  *request.mutable_scope() = scope;
  request.set_reason(reason);
  return request;
}

inline institutions::v1::ChangeInstitutionStatusRequest InstitutionStatusRequest(
    const std::string& code, const std::string& reason) {
  institutions::v1::ChangeInstitutionStatusRequest request;
  request.set_code(code);
  request.set_reason(reason);
  return request;
}

}  // namespace creditbank::testing

#endif  // CREDITBANK_TESTS_TESTING_REQUESTS_H_
