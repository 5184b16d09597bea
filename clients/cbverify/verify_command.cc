#include "clients/cbverify/verify_command.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cbctl/file_reader.h"
#include "domain/jose/jwk.h"
#include "domain/jose/jws.h"
#include "domain/tlog/checkpoint.h"
#include "domain/tlog/merkle.h"
#include "domain/transcripts/transcript_verifier.h"

namespace creditbank::cbverify {
namespace {

namespace jose = domain::jose;
namespace tlog = domain::tlog;
namespace transcripts = domain::transcripts;

// A consistency proof has at most tlog::kMaxProofHashes (64) hashes of 44
// base64 characters and a newline each: 2,880 bytes; this leaves room.
constexpr size_t kMaxProofFileBytes = 8 * 1024;

// The input files, read and parsed; what is wrong with one otherwise.
struct Inputs {
  std::string transcript;
  std::vector<jose::PublicJwk> keys;
  transcripts::VerificationInputs verification;
};

absl::StatusOr<std::vector<std::string>> ParseProofLines(absl::string_view text) {
  std::vector<std::string> hashes;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipWhitespace())) {
    std::string hash;
    line = absl::StripAsciiWhitespace(line);
    if (!absl::Base64Unescape(line, &hash) || hash.size() != tlog::kHashBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("consistency proof line ", hashes.size() + 1, " is not a base64 hash"));
    }
    if (hashes.size() == tlog::kMaxProofHashes) {
      return absl::InvalidArgumentError(
          absl::StrCat("consistency proof has more than ", tlog::kMaxProofHashes, " hashes"));
    }
    hashes.push_back(std::move(hash));
  }
  return hashes;
}

absl::StatusOr<absl::Time> ParseNow(const std::optional<std::string>& text) {
  if (!text.has_value()) return absl::Now();
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, *text, &time, &error)) {
    return absl::InvalidArgumentError("--now is not an RFC 3339 time");
  }
  return time;
}

absl::Status ReadInputs(const VerifyOptions& options, Inputs& inputs) {
  absl::StatusOr<std::string> transcript =
      cbctl::ReadWholeFile(options.transcript_path, jose::kMaxJwsBytes);
  if (!transcript.ok()) return transcript.status();
  // A file saved by an editor or `echo` ends in a newline; the JWS does not.
  inputs.transcript = std::string(absl::StripAsciiWhitespace(*transcript));

  absl::StatusOr<std::string> jwks = cbctl::ReadWholeFile(options.jwks_path, jose::kMaxJwksBytes);
  if (!jwks.ok()) return jwks.status();
  absl::StatusOr<std::vector<jose::PublicJwk>> keys = jose::ParseJwks(*jwks);
  if (!keys.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--jwks: ", keys.status().message()));
  }
  inputs.keys = *std::move(keys);

  transcripts::VerificationInputs& verification = inputs.verification;
  verification.keys = &inputs.keys;
  absl::StatusOr<absl::Time> now = ParseNow(options.now);
  if (!now.ok()) return now.status();
  verification.now = *now;
  // The log's key: pinned by hand, else the one the bank publishes with
  // its transcript keys.
  verification.pinned_log_key =
      options.log_key.has_value() ? options.log_key : transcripts::LogKeyFromJwks(*jwks);
  if (options.status_list_path.has_value()) {
    absl::StatusOr<std::string> list =
        cbctl::ReadWholeFile(*options.status_list_path, jose::kMaxJwsBytes);
    if (!list.ok()) return list.status();
    verification.status_list_jws = std::string(absl::StripAsciiWhitespace(*list));
  }
  if (options.later_checkpoint_path.has_value() && options.consistency_proof_path.has_value()) {
    absl::StatusOr<std::string> note =
        cbctl::ReadWholeFile(*options.later_checkpoint_path, tlog::kMaxNoteBytes);
    if (!note.ok()) return note.status();
    absl::StatusOr<std::string> proof_text =
        cbctl::ReadWholeFile(*options.consistency_proof_path, kMaxProofFileBytes);
    if (!proof_text.ok()) return proof_text.status();
    absl::StatusOr<std::vector<std::string>> proof = ParseProofLines(*proof_text);
    if (!proof.ok()) return proof.status();
    verification.later_checkpoint = transcripts::LaterCheckpoint{*note, *std::move(proof)};
  }
  return absl::OkStatus();
}

void PrintReport(const transcripts::VerificationReport& report, std::ostream& out) {
  if (!report.transcript_id.empty()) {
    out << "transcript " << report.transcript_id << " (" << report.achievements
        << " achievements) for " << report.subject_id << "\n";
  }
  for (const transcripts::CheckResult& check : report.checks) {
    out << absl::StrFormat("  %-12s %-8s %s\n", check.name,
                           transcripts::CheckOutcomeName(check.outcome), check.detail);
  }
  out << "verdict: " << (report.valid ? "VALID" : "NOT VALID") << "\n";
}

}  // namespace

int RunVerify(const VerifyOptions& options, std::ostream& out, std::ostream& err) {
  Inputs inputs;
  if (absl::Status read = ReadInputs(options, inputs); !read.ok()) {
    err << "cbverify: " << read.message() << "\n";
    return kExitUsage;
  }
  const transcripts::VerificationReport report =
      transcripts::VerifyTranscript(inputs.transcript, inputs.verification);
  if (options.json) {
    out << transcripts::ReportToJson(report).dump(2) << "\n";
  } else {
    PrintReport(report, out);
  }
  return report.valid ? kExitValid : kExitNotValid;
}

}  // namespace creditbank::cbverify
