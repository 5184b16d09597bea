#include "domain/transcripts/achievement.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/jose/strict_json.h"

namespace creditbank::domain::transcripts {
namespace {

using Json = nlohmann::json;

constexpr absl::string_view kLeafFormat = "creditbank.leaf.v1";  // tlog/leaf.h

absl::Status BadLeaf(absl::string_view member, absl::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat("log leaf member \"", member, "\" ", reason));
}

absl::StatusOr<std::string> StringMember(const Json& leaf, const char* name) {
  const auto it = leaf.find(name);
  if (it == leaf.end()) return BadLeaf(name, "is missing");
  if (!it->is_string()) return BadLeaf(name, "is not a string");
  return it->get<std::string>();
}

absl::StatusOr<uint64_t> UnsignedMember(const Json& leaf, const char* name) {
  const auto it = leaf.find(name);
  if (it == leaf.end()) return BadLeaf(name, "is missing");
  if (!it->is_number_unsigned()) return BadLeaf(name, "is not a non-negative integer");
  return it->get<uint64_t>();
}

absl::StatusOr<int64_t> IntegerMember(const Json& leaf, const char* name) {
  const auto it = leaf.find(name);
  if (it == leaf.end()) return BadLeaf(name, "is missing");
  if (!it->is_number_integer()) return BadLeaf(name, "is not an integer");
  if (it->is_number_unsigned() && it->get<uint64_t>() > uint64_t{INT64_MAX}) {
    return BadLeaf(name, "is out of range");
  }
  return it->get<int64_t>();
}

// Open Badges 3.0's AchievementType for each kind of outcome
// (docs/transcripts.md §3); nullopt for kinds a transcript never shows.
std::optional<absl::string_view> AchievementType(absl::string_view kind) {
  if (kind == "course_credit") return "Course";
  if (kind == "certificate") return "Certificate";
  if (kind == "training_hours") return "CertificateOfCompletion";
  if (kind == "exam") return "Assessment";
  if (kind == "prior_learning") return "Competency";
  if (kind == "conversion") return "Achievement";
  return std::nullopt;
}

// Thousandths as the shortest decimal: 85500 -> "85.5", 3000 -> "3".
std::string MilliText(int64_t milli) {
  const bool negative = milli < 0;
  const uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(milli) : milli;
  std::string text = absl::StrCat(negative ? "-" : "", magnitude / 1000);
  uint64_t fraction = magnitude % 1000;
  if (fraction == 0) return text;
  std::string digits = absl::StrFormat("%03d", fraction);
  while (digits.back() == '0') digits.pop_back();
  return absl::StrCat(text, ".", digits);
}

// The grade as a person reads it, or nullopt when the entry has none.
std::optional<std::string> GradeText(const Json& grade) {
  if (const auto letter = grade.find("letter"); letter != grade.end() && letter->is_string()) {
    return letter->get<std::string>();
  }
  if (const auto passed = grade.find("passed"); passed != grade.end() && passed->is_boolean()) {
    return passed->get<bool>() ? "pass" : "fail";
  }
  const auto score = grade.find("score_milli");
  const auto scale = grade.find("scale_milli");
  if (score != grade.end() && scale != grade.end() && score->is_number_integer() &&
      scale->is_number_integer()) {
    return absl::StrCat(MilliText(score->get<int64_t>()), "/", MilliText(scale->get<int64_t>()));
  }
  return std::nullopt;
}

}  // namespace

std::string EntryUrn(uint64_t entry_id) { return absl::StrCat("urn:creditbank:entry:", entry_id); }
std::string AccountUrn(absl::string_view account_number) {
  return absl::StrCat("urn:creditbank:account:", account_number);
}
std::string InstitutionUrn(absl::string_view institution_code) {
  return absl::StrCat("urn:creditbank:institution:", institution_code);
}

absl::StatusOr<LedgerLeaf> ParseLedgerLeaf(absl::string_view leaf_bytes) {
  if (leaf_bytes.size() > kMaxLeafBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("log leaf is longer than ", kMaxLeafBytes, " bytes"));
  }
  const std::optional<Json> json = jose::ParseStrictJsonObject(leaf_bytes);
  if (!json.has_value()) return absl::InvalidArgumentError("log leaf is not a JSON object");
  absl::StatusOr<std::string> format = StringMember(*json, "format");
  if (!format.ok()) return format.status();
  if (*format != kLeafFormat) return BadLeaf("format", "is not creditbank.leaf.v1");

  LedgerLeaf leaf;
  struct StringField {
    const char* name;
    std::string* out;
  };
  for (const StringField field : {StringField{"account", &leaf.account},
                                  StringField{"institution", &leaf.institution},
                                  StringField{"kind", &leaf.kind},
                                  StringField{"sector", &leaf.sector},
                                  StringField{"code", &leaf.code},
                                  StringField{"title", &leaf.title},
                                  StringField{"completion_date", &leaf.completion_date}}) {
    absl::StatusOr<std::string> value = StringMember(*json, field.name);
    if (!value.ok()) return value.status();
    *field.out = *std::move(value);
  }
  struct UnsignedField {
    const char* name;
    uint64_t* out;
  };
  for (const UnsignedField field : {UnsignedField{"entry_id", &leaf.entry_id},
                                    UnsignedField{"framework_level", &leaf.framework_level},
                                    UnsignedField{"study_hours", &leaf.study_hours},
                                    UnsignedField{"reverses_entry_id", &leaf.reverses_entry_id}}) {
    absl::StatusOr<uint64_t> value = UnsignedMember(*json, field.name);
    if (!value.ok()) return value.status();
    *field.out = *value;
  }
  absl::StatusOr<int64_t> credits = IntegerMember(*json, "credits_milli");
  if (!credits.ok()) return credits.status();
  leaf.credits_milli = *credits;
  const auto grade = json->find("grade");
  if (grade == json->end() || !grade->is_object()) return BadLeaf("grade", "is not an object");
  leaf.grade = *grade;
  if (leaf.entry_id == 0) return BadLeaf("entry_id", "is 0");
  return leaf;
}

Json AchievementJson(const LedgerLeaf& leaf, absl::string_view institution_name) {
  Json achievement = {
      {"id", EntryUrn(leaf.entry_id)},
      {"type", Json::array({"Achievement"})},
      {"achievementType", std::string(AchievementType(leaf.kind).value_or("Achievement"))},
      {"name", leaf.title},
      {"humanCode", leaf.code},
      {"creator",
       {{"id", InstitutionUrn(leaf.institution)},
        {"type", Json::array({"Profile"})},
        {"name", std::string(institution_name)}}},
      // OB 3.0 types it Float; thousandths are exact in a double.
      {"creditsEarned", static_cast<double>(leaf.credits_milli) / 1000.0},
      {"level", leaf.framework_level},
      {"sector", leaf.sector},
      {"kind", leaf.kind},
  };
  if (!leaf.completion_date.empty()) achievement["completionDate"] = leaf.completion_date;
  if (leaf.study_hours > 0) achievement["studyHours"] = leaf.study_hours;
  if (std::optional<std::string> grade = GradeText(leaf.grade); grade.has_value()) {
    achievement["result"] = *std::move(grade);
  }
  return achievement;
}

}  // namespace creditbank::domain::transcripts
