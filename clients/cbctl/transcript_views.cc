#include "clients/cbctl/transcript_views.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "clients/cbctl/enum_names.h"
#include "clients/cbctl/text_table.h"
#include "clients/cbctl/views.h"
#include "domain/jose/jwk.h"

namespace creditbank::cbctl {
namespace {

namespace transcripts_v1 = ::creditbank::transcripts::v1;
namespace verification_v1 = ::creditbank::verification::v1;

// Columns of a check's name and outcome, as cbverify aligns them.
constexpr int kCheckNameColumns = 12;
constexpr int kCheckOutcomeColumns = 8;

std::string ReversedEntries(const transcripts_v1::Transcript& transcript) {
  std::vector<std::string> ids;
  for (uint64_t id : transcript.reversed_entry_ids()) ids.push_back(absl::StrCat("#", id));
  return absl::StrJoin(ids, " ");
}

// "yes (#3 reversed since issue)" or "no"; the table leaves "no" blank so
// the flagged rows stand out.
std::string ReviewText(const transcripts_v1::Transcript& transcript, absl::string_view no) {
  if (!transcript.needs_review()) return std::string(no);
  const std::string reversed = ReversedEntries(transcript);
  return reversed.empty() ? "yes" : absl::StrCat("yes (", reversed, " reversed since issue)");
}

std::string UnixSecondsText(int64_t seconds) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(seconds);
  return FormatTimestamp(timestamp);
}

std::string CheckLine(const verification_v1::Check& check) {
  std::string line =
      absl::StrFormat("  %-*s %-*s %s", kCheckNameColumns, Printable(check.name()),
                      kCheckOutcomeColumns, CheckOutcomeName(check.outcome()),
                      Printable(check.detail()));
  absl::StripTrailingAsciiWhitespace(&line);  // a check without detail
  return line + "\n";
}

}  // namespace

std::string EntryIdList(const google::protobuf::RepeatedField<uint64_t>& ids, size_t max_shown) {
  const size_t shown = std::min(max_shown, static_cast<size_t>(ids.size()));
  std::string text = absl::StrJoin(ids.begin(), ids.begin() + shown, ",");
  if (shown < static_cast<size_t>(ids.size())) {
    absl::StrAppend(&text, ",... (", ids.size(), " in all)");
  }
  return text;
}

std::string TranscriptStateName(int state) {
  return FriendlyEnumName(*transcripts_v1::TranscriptState_descriptor(), state);
}

std::string CheckOutcomeName(int outcome) {
  return FriendlyEnumName(*verification_v1::CheckOutcome_descriptor(), outcome);
}

std::string TranscriptView(const transcripts_v1::Transcript& transcript) {
  std::vector<std::pair<std::string, std::string>> fields = {
      {"number", absl::StrCat(transcript.number())},
      {"id", transcript.transcript_id()},
      {"account number", transcript.account_number()},
      {"entries", EntryIdList(transcript.entry_ids())},
  };
  if (!transcript.programme_id().empty()) {
    fields.push_back({"programme", Printable(transcript.programme_id())});
  }
  fields.push_back({"issued at", FormatTimestamp(transcript.issued_at())});
  fields.push_back({"key", transcript.key_id()});
  fields.push_back({"state", TranscriptStateName(transcript.state())});
  if (transcript.state() == transcripts_v1::TRANSCRIPT_STATE_REVOKED) {
    fields.push_back({"revoked at", FormatTimestamp(transcript.revoked_at())});
    fields.push_back({"revocation reason", Printable(transcript.revocation_reason())});
  }
  fields.push_back({"needs review", ReviewText(transcript, "no")});
  fields.push_back({"status list", absl::StrCat(transcript.status_list_url(), "#",
                                                transcript.status_list_index())});
  fields.push_back({"request id", transcript.request_id()});
  return RenderFields(fields);
}

std::string TranscriptTable(
    const google::protobuf::RepeatedPtrField<transcripts_v1::Transcript>& transcripts) {
  TextTable table({"NUMBER", "ISSUED", "ENTRIES", "STATE", "NEEDS REVIEW"});
  table.AlignRight(0);
  for (const transcripts_v1::Transcript& transcript : transcripts) {
    table.AddRow({absl::StrCat(transcript.number()), FormatTimestamp(transcript.issued_at()),
                  EntryIdList(transcript.entry_ids(), kEntriesShownInTable),
                  TranscriptStateName(transcript.state()), ReviewText(transcript, "")});
  }
  return table.Render();
}

absl::StatusOr<std::string> SigningKeysView(const transcripts_v1::Jwks& jwks) {
  absl::StatusOr<std::vector<domain::jose::PublicJwk>> keys = domain::jose::ParseJwks(jwks.json());
  if (!keys.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the server's JWK Set does not parse: ", keys.status().message()));
  }
  TextTable table({"KID", "ALGORITHM", "STATE"});
  for (const domain::jose::PublicJwk& key : *keys) {
    std::string state = "published";  // neither current nor retired
    if (key.kid == jwks.current_key_id()) {
      state = "current";
    } else if (key.retired_at_unix_seconds.has_value()) {
      state = absl::StrCat("retired ", UnixSecondsText(*key.retired_at_unix_seconds));
    }
    table.AddRow({key.kid, std::string(domain::jose::JwsAlgorithmName(key.algorithm)), state});
  }
  return absl::StrCat("current key: ", jwks.current_key_id(), "\n", table.Render());
}

std::string VerificationReportView(const verification_v1::VerificationReport& report) {
  std::string text;
  if (!report.transcript_id().empty()) {
    absl::StrAppend(&text, "transcript ", Printable(report.transcript_id()), " (",
                    report.achievements(), " achievements) for ",
                    Printable(report.subject_id()), "\n");
  }
  for (const verification_v1::Check& check : report.checks()) absl::StrAppend(&text, CheckLine(check));
  if (!report.key_id().empty()) {
    absl::StrAppend(&text, "key: ", Printable(report.key_id()),
                    report.key_retired() ? " (retired since)" : "", "\n");
  }
  absl::StrAppend(&text, "status: ", report.status().empty() ? "unknown" : Printable(report.status()),
                  "\n");
  if (report.checkpoint_tree_size() != 0) {
    absl::StrAppend(&text, "log: the transcript's checkpoint has ", report.checkpoint_tree_size(),
                    " entries; the log has ", report.latest_tree_size(), "\n");
  }
  absl::StrAppend(&text, "verdict: ", report.valid() ? "VALID" : "NOT VALID", "\n");
  return text;
}

}  // namespace creditbank::cbctl
