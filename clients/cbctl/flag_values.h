// CLI11 validators for cbctl's typed flags, built on the same parsers the
// CSV import uses, so `--credits 3.5` and a CSV cell "3.5" mean the same.
// A validator rejects a bad value while the command line is parsed; the
// command then parses the (valid) text again to get the value.
//
//   app.add_option("--sector", sector)->check(SectorFlag());
//   ...
//   request.set_sector(ParseSector(sector).value());
#ifndef CREDITBANK_CLIENTS_CBCTL_FLAG_VALUES_H_
#define CREDITBANK_CLIENTS_CBCTL_FLAG_VALUES_H_

#include <string>
#include <utility>

#include "CLI/CLI.hpp"

namespace creditbank::cbctl {

// A validator accepting what `parse` (text -> absl::StatusOr<T>) accepts;
// the parse error's message is CLI11's error message.
template <typename Parse>
CLI::Validator ParsedBy(Parse parse, std::string description) {
  return CLI::Validator(
      [parse](std::string& text) -> std::string {
        auto parsed = parse(text);
        return parsed.ok() ? std::string() : std::string(parsed.status().message());
      },
      std::move(description));
}

CLI::Validator SectorFlag();           // vocational
CLI::Validator SectorsFlag();          // vocational,general_higher
CLI::Validator OutcomeKindFlag();      // course_credit
CLI::Validator OutcomeKindsFlag();     // course_credit,certificate
CLI::Validator InstitutionStatusFlag();
CLI::Validator DateFlag();             // YYYY-MM-DD
CLI::Validator CreditsFlag();          // 3.5
CLI::Validator GradeFlag();            // 85/100, A-, 优秀, pass
CLI::Validator DigestFlag();           // 64 hex digits

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_FLAG_VALUES_H_
