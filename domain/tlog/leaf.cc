#include "domain/tlog/leaf.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "domain/crypto/primitives.h"
#include "domain/tlog/merkle.h"
#include "domain/validation/dates.h"
#include "storage/keys.h"

namespace creditbank::domain::tlog {
namespace {

constexpr absl::string_view kSaltKeyLabel = "creditbank transparency log leaf salt v1";

// "OUTCOME_KIND_COURSE_CREDIT" -> "course_credit"; a value this build
// does not know keeps its number, so the leaf still says what is stored.
std::string EnumText(const std::string& name, absl::string_view prefix, int number) {
  if (name.size() <= prefix.size() || !absl::StartsWith(name, prefix)) {
    return absl::StrCat(number);
  }
  return absl::AsciiStrToLower(absl::string_view(name).substr(prefix.size()));
}

std::string DateText(const common::v1::Date& date) {
  return IsDateSet(date) ? FormatDate(date) : "";
}

// RFC 3339 in UTC with as many fractional digits as the time needs.
std::string TimeText(const google::protobuf::Timestamp& timestamp) {
  return absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", FromTimestamp(timestamp), absl::UTCTimeZone());
}

// Members are appended in sorted order by the caller; Member writes the
// separator and the name.
class JcsObject {
 public:
  explicit JcsObject(std::string& out) : out_(out) { out_.push_back('{'); }
  void String(absl::string_view name, absl::string_view value) {
    Name(name);
    AppendJcsString(out_, value);
  }
  void Integer(absl::string_view name, int64_t value) {
    Name(name);
    absl::StrAppend(&out_, value);
  }
  void Unsigned(absl::string_view name, uint64_t value) {
    Name(name);
    absl::StrAppend(&out_, value);
  }
  void Raw(absl::string_view name, absl::string_view json) {
    Name(name);
    out_.append(json.data(), json.size());
  }
  void Close() { out_.push_back('}'); }

 private:
  void Name(absl::string_view name) {
    if (!first_) out_.push_back(',');
    first_ = false;
    AppendJcsString(out_, name);
    out_.push_back(':');
  }
  std::string& out_;
  bool first_ = true;
};

std::string GradeJson(const common::v1::Grade& grade) {
  std::string out;
  JcsObject object(out);
  switch (grade.value_case()) {
    case common::v1::Grade::kScore:
      object.Integer("scale_milli", grade.score().scale_milli());
      object.Integer("score_milli", grade.score().score_milli());
      break;
    case common::v1::Grade::kLetter:
      object.String("letter", grade.letter());
      break;
    case common::v1::Grade::kPassed:
      object.Raw("passed", grade.passed() ? "true" : "false");
      break;
    case common::v1::Grade::VALUE_NOT_SET:
      break;
  }
  object.Close();
  return out;
}

std::string SourceIdsJson(const ledger::v1::Outcome& outcome) {
  std::string out = "[";
  for (int i = 0; i < outcome.source_entry_ids_size(); ++i) {
    if (i > 0) out.push_back(',');
    absl::StrAppend(&out, outcome.source_entry_ids(i));
  }
  out.push_back(']');
  return out;
}

}  // namespace

std::string LeafSaltKey(absl::string_view identity_hmac_secret) {
  return HmacSha256(identity_hmac_secret, kSaltKeyLabel);
}

void AppendJcsString(std::string& out, absl::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (byte < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0xf]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

std::string LeafHasher::Salt(uint64_t entry_id) const {
  std::string mac = HmacSha256(salt_key_, storage::EntryKey(entry_id));
  mac.resize(kLeafSaltBytes);
  return mac;
}

std::string LeafHasher::LeafBytes(const ledger::v1::Entry& entry) const {
  const ledger::v1::Outcome& outcome = entry.outcome();
  std::string out;
  out.reserve(512);
  // Members in RFC 8785 order (all names are ASCII, so byte order).
  JcsObject leaf(out);
  leaf.String("account", outcome.account_number());
  leaf.String("code", outcome.code());
  leaf.String("completion_date", DateText(outcome.completion_date()));
  leaf.Integer("credits_milli", outcome.credits_milli());
  leaf.Unsigned("entry_id", entry.entry_id());
  leaf.String("evidence_sha256", HexEncode(outcome.evidence_sha256()));
  leaf.String("format", kLeafFormat);
  leaf.Unsigned("framework_level", outcome.framework_level());
  leaf.Raw("grade", GradeJson(outcome.grade()));
  leaf.String("institution", entry.institution_code());
  leaf.String("kind", EnumText(common::v1::OutcomeKind_Name(outcome.kind()), "OUTCOME_KIND_",
                               outcome.kind()));
  leaf.String("recorded_at", TimeText(entry.recorded_at()));
  leaf.String("reversal_reason", entry.reversal_reason());
  leaf.Unsigned("reverses_entry_id", entry.reverses_entry_id());
  leaf.String("salt", absl::WebSafeBase64Escape(Salt(entry.entry_id())));
  leaf.String("sector",
              EnumText(common::v1::Sector_Name(outcome.sector()), "SECTOR_", outcome.sector()));
  leaf.Raw("source_entry_ids", SourceIdsJson(outcome));
  leaf.Unsigned("study_hours", outcome.study_hours());
  leaf.String("title", outcome.title());
  leaf.String("valid_until", DateText(outcome.valid_until()));
  leaf.Close();
  return out;
}

std::string LeafHasher::LeafHashOf(const ledger::v1::Entry& entry) const {
  return LeafHash(LeafBytes(entry));
}

}  // namespace creditbank::domain::tlog
