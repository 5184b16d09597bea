// What cbctl prints for each kind of answer: aligned tables and labelled
// fields for people, or the message itself as one line of JSON (proto3
// JSON mapping, proto field names, defaults included) for scripts.
//
//   std::cout << (json ? ToJson(institution) : InstitutionView(institution));
#ifndef CREDITBANK_CLIENTS_CBCTL_VIEWS_H_
#define CREDITBANK_CLIENTS_CBCTL_VIEWS_H_

#include <string>

#include "creditbank/accounts/v1/accounts.pb.h"
#include "creditbank/institutions/v1/institutions.pb.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/timestamp.pb.h"

namespace creditbank::cbctl {

// One line of JSON and '\n'.
std::string ToJson(const google::protobuf::Message& message);

// "2026-07-01 12:00:00 +08:00" in the bank's zone; "" when unset.
std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp);

std::string InstitutionView(const institutions::v1::Institution& institution);
std::string InstitutionTable(
    const google::protobuf::RepeatedPtrField<institutions::v1::Institution>& institutions);

std::string AccountView(const accounts::v1::Account& account);

std::string EntryView(const ledger::v1::Entry& entry);
std::string EntryTable(const google::protobuf::RepeatedPtrField<ledger::v1::Entry>& entries);
std::string BalancesView(const ledger::v1::GetBalancesResponse& balances);
std::string ConsistencyView(const ledger::v1::CheckConsistencyResponse& report);

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_VIEWS_H_
