// fuzz_value_parsers: cbctl's parsers of the values people type into flags
// and CSV cells (decimal.h, grade.h, value_parsers.h, enum_names.h) and the
// helpers that echo untrusted text to a terminal (text_table.h), on raw
// bytes. Every parser either refuses or gives a value that prints back to
// something it parses to the same value:
//   - ParseThousandths: non-negative, FormatThousandths round-trips, and
//     FormatThousandths of any int64 >= 0 parses back to it;
//   - ParseGrade: FormatGrade round-trips; ParseDate: prints as typed;
//   - ParseUnsigned: within its maximum, prints as typed less leading zeros;
//   - ParseSha256Hex: 32 bytes that print as the (lower-cased) hex typed;
//   - enum names: the friendly name of the value parses to the value;
//   - Printable leaves no control byte; Abbreviate keeps a prefix of at
//     most the limit (plus "...") and never splits a UTF-8 character.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "clients/cbctl/decimal.h"
#include "clients/cbctl/enum_names.h"
#include "clients/cbctl/grade.h"
#include "clients/cbctl/text_table.h"
#include "clients/cbctl/value_parsers.h"
#include "domain/crypto/primitives.h"
#include "domain/validation/dates.h"
#include "domain/validation/text.h"

namespace creditbank::cbctl {
namespace {

[[noreturn]] void Fail(absl::string_view what, absl::string_view text) {
  std::fprintf(stderr, "\n==creditbank fuzz invariant broken== %.*s (input \"%.*s\")\n",
               static_cast<int>(what.size()), what.data(), static_cast<int>(text.size()),
               text.data());
  std::abort();
}

void CheckDecimal(absl::string_view text, const uint8_t* data, size_t size) {
  if (absl::StatusOr<int64_t> milli = ParseThousandths(text); milli.ok()) {
    if (*milli < 0) Fail("ParseThousandths gave a negative value", text);
    absl::StatusOr<int64_t> again = ParseThousandths(FormatThousandths(*milli));
    if (!again.ok() || *again != *milli) Fail("FormatThousandths does not round-trip", text);
  }
  int64_t value = 0;
  std::memcpy(&value, data, std::min(size, sizeof(value)));
  const std::string formatted = FormatThousandths(value);
  absl::StatusOr<int64_t> parsed = ParseThousandths(formatted);
  if (value >= 0 && (!parsed.ok() || *parsed != value)) {
    Fail("FormatThousandths of a non-negative value does not parse back", formatted);
  }
  if (value < 0 && parsed.ok()) Fail("a negative amount parsed", formatted);
}

void CheckGrade(absl::string_view text) {
  absl::StatusOr<common::v1::Grade> grade = ParseGrade(text);
  if (!grade.ok()) return;
  absl::StatusOr<common::v1::Grade> again = ParseGrade(FormatGrade(*grade));
  if (!again.ok() || again->SerializeAsString() != grade->SerializeAsString()) {
    Fail("FormatGrade does not round-trip", text);
  }
}

void CheckScalars(absl::string_view text, uint64_t max) {
  if (absl::StatusOr<common::v1::Date> date = ParseDate(text); date.ok()) {
    if (domain::FormatDate(*date) != text) Fail("a parsed date prints differently", text);
  }
  if (absl::StatusOr<uint64_t> number = ParseUnsigned(text, max); number.ok()) {
    absl::string_view digits = text;
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    if (*number > max || absl::StrCat(*number) != digits) {
      Fail("ParseUnsigned gave another number", text);
    }
  }
  if (absl::StatusOr<std::string> digest = ParseSha256Hex(text); digest.ok()) {
    if (digest->size() != domain::kSha256Bytes ||
        domain::HexEncode(*digest) != absl::AsciiStrToLower(text)) {
      Fail("ParseSha256Hex gave other bytes", text);
    }
  }
}

void CheckEnums(absl::string_view text) {
  if (absl::StatusOr<common::v1::Sector> sector = ParseSector(text); sector.ok()) {
    absl::StatusOr<common::v1::Sector> again = ParseSector(SectorName(*sector));
    if (*sector == 0 || !again.ok() || *again != *sector) Fail("a sector name does not round-trip", text);
  }
  if (absl::StatusOr<common::v1::OutcomeKind> kind = ParseOutcomeKind(text); kind.ok()) {
    absl::StatusOr<common::v1::OutcomeKind> again = ParseOutcomeKind(OutcomeKindName(*kind));
    if (*kind == 0 || !again.ok() || *again != *kind) Fail("a kind name does not round-trip", text);
  }
  if (absl::StatusOr<std::vector<common::v1::OutcomeKind>> kinds = ParseOutcomeKinds(text);
      kinds.ok() && kinds->empty()) {
    Fail("ParseOutcomeKinds accepted an empty list", text);
  }
  (void)ParseSectors(text);
  (void)ParseInstitutionStatus(text);
}

void CheckEcho(absl::string_view text, size_t max_bytes) {
  (void)DisplayWidth(text);
  const std::string printable = Printable(text);
  if (printable.size() != text.size()) Fail("Printable changed the length", text);
  for (char c : printable) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) Fail("Printable left a control byte", text);
  }
  const std::string cut = Abbreviate(text, max_bytes);
  if (cut == text) return;
  if (!absl::EndsWith(cut, "...") || cut.size() > max_bytes + 3 ||
      !absl::StartsWith(text, absl::string_view(cut).substr(0, cut.size() - 3))) {
    Fail("Abbreviate did not keep a short prefix", text);
  }
  if (domain::Utf8Length(text) && !domain::Utf8Length(cut)) {
    Fail("Abbreviate split a UTF-8 character", text);
  }
}

}  // namespace
}  // namespace creditbank::cbctl

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace creditbank::cbctl;
  if (size < 1) return 0;
  const absl::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  CheckDecimal(text, data, size);
  CheckGrade(text);
  CheckScalars(text, data[0] % 2 == 0 ? 10'000 : UINT64_MAX);
  CheckEnums(text);
  CheckEcho(text, data[0]);
  return 0;
}
