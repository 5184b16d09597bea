// Friendly lower-case names for the API's enums on the command line and in
// CSV files: SECTOR_VOCATIONAL is "vocational", OUTCOME_KIND_COURSE_CREDIT
// is "course_credit". Names come from the proto descriptors, so a value
// added to a .proto is accepted here without code changes.
//
//   ASSIGN_OR_RETURN(common::v1::Sector sector, ParseSector("vocational"));
//   ASSIGN_OR_RETURN(auto kinds, ParseOutcomeKinds("course_credit,certificate"));
//   std::string name = SectorName(common::v1::SECTOR_OPEN_UNIVERSITY);  // open_university
#ifndef CREDITBANK_CLIENTS_CBCTL_ENUM_NAMES_H_
#define CREDITBANK_CLIENTS_CBCTL_ENUM_NAMES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "creditbank/accounts/v1/accounts.pb.h"
#include "creditbank/common/v1/types.pb.h"
#include "creditbank/institutions/v1/institutions.pb.h"
#include "google/protobuf/descriptor.h"

namespace creditbank::cbctl {

// The friendly name of `value`: the value's name without the enum's prefix
// (the part of the zero value's name before "UNSPECIFIED"), lower-cased.
// "unspecified" for 0; the number itself for a value the descriptor lacks.
std::string FriendlyEnumName(const google::protobuf::EnumDescriptor& descriptor, int value);

// Every friendly name except the zero value's, in declaration order.
std::vector<std::string> FriendlyEnumNames(const google::protobuf::EnumDescriptor& descriptor);

// The value named by `text`: a friendly name, case-insensitive, '-' and
// '_' alike. The zero (unspecified) value is never accepted. The error
// lists the accepted names.
absl::StatusOr<int> ParseFriendlyEnum(const google::protobuf::EnumDescriptor& descriptor,
                                      absl::string_view text);

// A comma-separated list of friendly names (at least one; no repeats).
absl::StatusOr<std::vector<int>> ParseFriendlyEnumList(
    const google::protobuf::EnumDescriptor& descriptor, absl::string_view text);

// Typed wrappers for the enums cbctl takes and prints.
absl::StatusOr<common::v1::Sector> ParseSector(absl::string_view text);
absl::StatusOr<common::v1::OutcomeKind> ParseOutcomeKind(absl::string_view text);
absl::StatusOr<std::vector<common::v1::Sector>> ParseSectors(absl::string_view text);
absl::StatusOr<std::vector<common::v1::OutcomeKind>> ParseOutcomeKinds(absl::string_view text);
absl::StatusOr<institutions::v1::InstitutionStatus> ParseInstitutionStatus(
    absl::string_view text);

std::string SectorName(int sector);
std::string OutcomeKindName(int kind);
std::string InstitutionStatusName(int status);
std::string AccountStatusName(int status);

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_ENUM_NAMES_H_
