#include "clients/cbctl/flag_values.h"

#include "clients/cbctl/decimal.h"
#include "clients/cbctl/enum_names.h"
#include "clients/cbctl/grade.h"
#include "clients/cbctl/value_parsers.h"

namespace creditbank::cbctl {

CLI::Validator SectorFlag() { return ParsedBy(ParseSector, "SECTOR"); }
CLI::Validator SectorsFlag() { return ParsedBy(ParseSectors, "SECTOR,..."); }
CLI::Validator OutcomeKindFlag() { return ParsedBy(ParseOutcomeKind, "KIND"); }
CLI::Validator OutcomeKindsFlag() { return ParsedBy(ParseOutcomeKinds, "KIND,..."); }
CLI::Validator InstitutionStatusFlag() { return ParsedBy(ParseInstitutionStatus, "STATUS"); }
CLI::Validator DateFlag() { return ParsedBy(ParseDate, "YYYY-MM-DD"); }
CLI::Validator CreditsFlag() { return ParsedBy(ParseThousandths, "DECIMAL"); }
CLI::Validator GradeFlag() { return ParsedBy(ParseGrade, "GRADE"); }
CLI::Validator DigestFlag() { return ParsedBy(ParseSha256Hex, "SHA256-HEX"); }

}  // namespace creditbank::cbctl
