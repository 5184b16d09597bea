#include "domain/tlog/leaf.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "domain/crypto/primitives.h"
#include "domain/tlog/merkle.h"
#include "domain/validation/dates.h"
#include "storage/keys.h"

namespace creditbank::domain::tlog {
namespace {

constexpr absl::string_view kSaltKeyLabel = "creditbank transparency log leaf salt v1";

// The spellings of leaf format v1, frozen here rather than taken from the
// proto's enum names: a renamed enum value is wire-compatible, but would
// change the leaf of every stored entry that has it (and every proof over
// it). A value a later build adds is spelled by its number until a new
// leaf format names it (leaf_test.cc fails for a value without one).
std::string KindText(common::v1::OutcomeKind kind) {
  switch (kind) {
    case common::v1::OUTCOME_KIND_UNSPECIFIED: return "unspecified";
    case common::v1::OUTCOME_KIND_COURSE_CREDIT: return "course_credit";
    case common::v1::OUTCOME_KIND_CERTIFICATE: return "certificate";
    case common::v1::OUTCOME_KIND_TRAINING_HOURS: return "training_hours";
    case common::v1::OUTCOME_KIND_EXAM: return "exam";
    case common::v1::OUTCOME_KIND_PRIOR_LEARNING: return "prior_learning";
    case common::v1::OUTCOME_KIND_CONVERSION: return "conversion";
    case common::v1::OUTCOME_KIND_REVERSAL: return "reversal";
    default: return absl::StrCat(static_cast<int>(kind));
  }
}

std::string SectorText(common::v1::Sector sector) {
  switch (sector) {
    case common::v1::SECTOR_UNSPECIFIED: return "unspecified";
    case common::v1::SECTOR_GENERAL_HIGHER: return "general_higher";
    case common::v1::SECTOR_VOCATIONAL: return "vocational";
    case common::v1::SECTOR_CONTINUING: return "continuing";
    case common::v1::SECTOR_OPEN_UNIVERSITY: return "open_university";
    case common::v1::SECTOR_COMMUNITY: return "community";
    case common::v1::SECTOR_ELDERLY: return "elderly";
    case common::v1::SECTOR_ENTERPRISE_TRAINING: return "enterprise_training";
    case common::v1::SECTOR_CERTIFYING_BODY: return "certifying_body";
    default: return absl::StrCat(static_cast<int>(sector));
  }
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
  // Runs of characters that need no escape (nearly all of them) are
  // appended whole: this is on the sequencer's path for every entry.
  size_t run_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte != '"' && byte != '\\') continue;
    out.append(text.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (byte) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        out.append("\\u00");
        out.push_back(kHex[byte >> 4]);
        out.push_back(kHex[byte & 0xf]);
    }
  }
  out.append(text.data() + run_start, text.size() - run_start);
  out.push_back('"');
}

LeafHasher::LeafHasher(std::string salt_key) : salt_key_(std::move(salt_key)) {
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (hmac == nullptr) return;  // Salt() falls back to the one-shot HMAC
  EVP_MAC_CTX* context = EVP_MAC_CTX_new(hmac);
  EVP_MAC_free(hmac);  // the context holds its own reference
  char digest[] = "SHA256";
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                               OSSL_PARAM_construct_end()};
  if (context == nullptr ||
      EVP_MAC_init(context, reinterpret_cast<const unsigned char*>(salt_key_.data()),
                   salt_key_.size(), params) != 1) {
    EVP_MAC_CTX_free(context);
    return;
  }
  keyed_mac_.reset(context, EVP_MAC_CTX_free);
}

std::string LeafHasher::Salt(uint64_t entry_id) const {
  const std::string id = storage::EntryKey(entry_id);
  std::string mac(kSha256Bytes, '\0');
  size_t length = 0;
  EVP_MAC_CTX* copy = keyed_mac_ != nullptr ? EVP_MAC_CTX_dup(keyed_mac_.get()) : nullptr;
  const bool done =
      copy != nullptr &&
      EVP_MAC_update(copy, reinterpret_cast<const unsigned char*>(id.data()), id.size()) == 1 &&
      EVP_MAC_final(copy, reinterpret_cast<unsigned char*>(mac.data()), &length, mac.size()) ==
          1 &&
      length == kSha256Bytes;
  EVP_MAC_CTX_free(copy);
  if (!done) mac = HmacSha256(salt_key_, id);  // the same MAC, the slow way
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
  leaf.String("kind", KindText(outcome.kind()));
  leaf.String("recorded_at", TimeText(entry.recorded_at()));
  leaf.String("reversal_reason", entry.reversal_reason());
  leaf.Unsigned("reverses_entry_id", entry.reverses_entry_id());
  leaf.String("salt", absl::WebSafeBase64Escape(Salt(entry.entry_id())));
  leaf.String("sector", SectorText(outcome.sector()));
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
