#include "clients/cbctl/enum_names.h"

#include <algorithm>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace creditbank::cbctl {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;

constexpr absl::string_view kUnspecified = "UNSPECIFIED";

// "SECTOR_" for Sector (from SECTOR_UNSPECIFIED).
std::string EnumPrefix(const EnumDescriptor& descriptor) {
  const EnumValueDescriptor* zero = descriptor.FindValueByNumber(0);
  if (zero == nullptr || !absl::EndsWith(zero->name(), kUnspecified)) return "";
  return zero->name().substr(0, zero->name().size() - kUnspecified.size());
}

std::string Normalize(absl::string_view text) {
  std::string normalized = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  std::replace(normalized.begin(), normalized.end(), '-', '_');
  return normalized;
}

// "OutcomeKind" -> "outcome kind", for messages.
std::string EnumWords(const EnumDescriptor& descriptor) {
  std::string words;
  for (char c : descriptor.name()) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c)) && !words.empty()) words += ' ';
    words += absl::ascii_tolower(static_cast<unsigned char>(c));
  }
  return words;
}

template <typename Enum>
absl::StatusOr<std::vector<Enum>> ToEnums(absl::StatusOr<std::vector<int>> values) {
  if (!values.ok()) return values.status();
  std::vector<Enum> enums;
  for (int value : *values) enums.push_back(static_cast<Enum>(value));
  return enums;
}

}  // namespace

std::string FriendlyEnumName(const EnumDescriptor& descriptor, int value) {
  const EnumValueDescriptor* found = descriptor.FindValueByNumber(value);
  if (found == nullptr) return absl::StrCat(value);
  absl::string_view name = found->name();
  absl::ConsumePrefix(&name, EnumPrefix(descriptor));
  return absl::AsciiStrToLower(name);
}

std::vector<std::string> FriendlyEnumNames(const EnumDescriptor& descriptor) {
  std::vector<std::string> names;
  for (int i = 0; i < descriptor.value_count(); ++i) {
    const int number = descriptor.value(i)->number();
    if (number != 0) names.push_back(FriendlyEnumName(descriptor, number));
  }
  return names;
}

absl::StatusOr<int> ParseFriendlyEnum(const EnumDescriptor& descriptor, absl::string_view text) {
  const std::string wanted = Normalize(text);
  for (int i = 0; i < descriptor.value_count(); ++i) {
    const int number = descriptor.value(i)->number();
    if (number != 0 && FriendlyEnumName(descriptor, number) == wanted) return number;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown ", EnumWords(descriptor), " \"", text,
                   "\"; one of: ", absl::StrJoin(FriendlyEnumNames(descriptor), ", ")));
}

absl::StatusOr<std::vector<int>> ParseFriendlyEnumList(const EnumDescriptor& descriptor,
                                                       absl::string_view text) {
  std::vector<int> values;
  std::set<int> seen;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    absl::StatusOr<int> value = ParseFriendlyEnum(descriptor, item);
    if (!value.ok()) return value.status();
    if (!seen.insert(*value).second) {
      return absl::InvalidArgumentError(absl::StrCat("\"", item, "\" is listed twice"));
    }
    values.push_back(*value);
  }
  return values;
}

absl::StatusOr<common::v1::Sector> ParseSector(absl::string_view text) {
  absl::StatusOr<int> value = ParseFriendlyEnum(*common::v1::Sector_descriptor(), text);
  if (!value.ok()) return value.status();
  return static_cast<common::v1::Sector>(*value);
}

absl::StatusOr<common::v1::OutcomeKind> ParseOutcomeKind(absl::string_view text) {
  absl::StatusOr<int> value = ParseFriendlyEnum(*common::v1::OutcomeKind_descriptor(), text);
  if (!value.ok()) return value.status();
  return static_cast<common::v1::OutcomeKind>(*value);
}

absl::StatusOr<std::vector<common::v1::Sector>> ParseSectors(absl::string_view text) {
  return ToEnums<common::v1::Sector>(
      ParseFriendlyEnumList(*common::v1::Sector_descriptor(), text));
}

absl::StatusOr<std::vector<common::v1::OutcomeKind>> ParseOutcomeKinds(absl::string_view text) {
  return ToEnums<common::v1::OutcomeKind>(
      ParseFriendlyEnumList(*common::v1::OutcomeKind_descriptor(), text));
}

absl::StatusOr<institutions::v1::InstitutionStatus> ParseInstitutionStatus(
    absl::string_view text) {
  absl::StatusOr<int> value =
      ParseFriendlyEnum(*institutions::v1::InstitutionStatus_descriptor(), text);
  if (!value.ok()) return value.status();
  return static_cast<institutions::v1::InstitutionStatus>(*value);
}

std::string SectorName(int sector) {
  return FriendlyEnumName(*common::v1::Sector_descriptor(), sector);
}
std::string OutcomeKindName(int kind) {
  return FriendlyEnumName(*common::v1::OutcomeKind_descriptor(), kind);
}
std::string InstitutionStatusName(int status) {
  return FriendlyEnumName(*institutions::v1::InstitutionStatus_descriptor(), status);
}
std::string AccountStatusName(int status) {
  return FriendlyEnumName(*accounts::v1::AccountStatus_descriptor(), status);
}

}  // namespace creditbank::cbctl
