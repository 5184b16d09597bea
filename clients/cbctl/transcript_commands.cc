// cbctl transcript issue|get|list|revoke|jwks|status-list|rotate-key|verify:
// signed transcripts (docs/transcripts.md) through the TranscriptService,
// and verification of one through the public VerificationService. What is
// meant for other tools (a transcript's JWS, the JWK Set, a status list) is
// written to --out, or printed alone, so that `cbverify` can read it as is.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "clients/cbctl/commands.h"
#include "clients/cbctl/enum_names.h"
#include "clients/cbctl/file_reader.h"
#include "clients/cbctl/flag_values.h"
#include "clients/cbctl/import_row.h"
#include "clients/cbctl/transcript_views.h"
#include "domain/crypto/primitives.h"
#include "domain/jose/jws.h"
#include "domain/transcripts_engine.h"

namespace creditbank::cbctl {
namespace {

namespace transcripts_v1 = ::creditbank::transcripts::v1;
namespace verification_v1 = ::creditbank::verification::v1;

// Request ids cbctl makes up when --request-id is not given: derived from
// what is asked for, so running the same command twice (after a timeout,
// say) issues one transcript, as `ledger record` records one entry.
constexpr absl::string_view kIssueRequestIdPrefix = "cli-transcript-";
constexpr int64_t kSecondsPerDay = 24 * 60 * 60;
// The server's longest validity, in whole days.
constexpr int64_t kMaxValidDays = domain::kMaxTranscriptValidSeconds / kSecondsPerDay;
// How the server names an entry of the request in its field violations.
constexpr absl::string_view kEntryFieldPrefix = "entry_ids[";

struct TranscriptFlags {
  std::string account_number;
  std::vector<uint64_t> entry_ids;
  std::string programme_id;
  bool show_name = false;
  int64_t valid_days = 0;  // 0: no end
  std::string request_id;
  std::string output;  // --out; empty: print
  uint64_t number = 0;
  std::string reason;
  uint64_t list = 0;
  std::string algorithm;
  std::string file;
};

using Run = int (*)(Session&, const TranscriptFlags&);

void OnChosen(CLI::App& command, Action& action, std::shared_ptr<TranscriptFlags> flags,
              Run run) {
  command.callback([&action, flags, run] {
    action = [flags, run](Session& session) { return run(session, *flags); };
  });
}

absl::StatusOr<transcripts_v1::SigningAlgorithm> ParseSigningAlgorithm(absl::string_view text) {
  absl::StatusOr<int> value =
      ParseFriendlyEnum(*transcripts_v1::SigningAlgorithm_descriptor(), text);
  if (!value.ok()) return value.status();
  return static_cast<transcripts_v1::SigningAlgorithm>(*value);
}

// Length-prefixed values, so no value can imitate a separator; the version
// tag lets a future form coexist with ids already used. The entries keep
// their order: it is the transcript's order, and the server holds a
// request id to its entries in that order.
std::string DeriveIssueRequestId(const transcripts_v1::IssueTranscriptRequest& request) {
  std::string canonical = "cbctl-transcript-v1";
  auto add = [&canonical](absl::string_view name, absl::string_view value) {
    absl::StrAppend(&canonical, "\n", name, "=", value.size(), ":", value);
  };
  add("account_number", request.account_number());
  for (uint64_t id : request.entry_ids()) add("entry_id", absl::StrCat(id));
  // Only when set, so ids derived before programmes existed stay the same.
  if (!request.programme_id().empty()) add("programme_id", request.programme_id());
  add("show_name", request.show_name() ? "1" : "0");
  add("valid_seconds", absl::StrCat(request.valid_seconds()));
  return absl::StrCat(
      kIssueRequestIdPrefix,
      domain::HexEncode(domain::Sha256(canonical)).substr(0, kDerivedRequestIdHexDigits));
}

// Writes `text` and a final newline to `path`; says why not on stderr.
bool WriteOutput(Session& session, const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) {
    session.err() << "cbctl: cannot write " << path << ": " << std::strerror(errno) << "\n";
    return false;
  }
  out << text << "\n";
  out.close();
  if (out) return true;
  session.err() << "cbctl: cannot write " << path << "\n";
  return false;
}

// The server names a bad entry by its place in the request
// ("entry_ids[1]: is another account's entry"); this says which entry that
// is, so no one has to count along --entries.
void NameBadEntries(Session& session, const absl::Status& status,
                    const std::vector<uint64_t>& entry_ids) {
  std::set<size_t> named;
  for (const FieldProblem& problem : FieldProblems(status)) {
    absl::string_view field = problem.field;
    size_t index = 0;
    if (!absl::ConsumePrefix(&field, kEntryFieldPrefix)) continue;
    const size_t close = field.find(']');
    if (close == absl::string_view::npos || !absl::SimpleAtoi(field.substr(0, close), &index) ||
        index >= entry_ids.size() || !named.insert(index).second) {
      continue;
    }
    session.err() << "  (" << kEntryFieldPrefix << index << "] is entry " << entry_ids[index]
                  << " of --entries)\n";
  }
}

// A transcript's fields (or its JSON), and its JWS: written to --out when
// given, else printed after the fields when `print_jws`.
int PrintTranscript(Session& session, const transcripts_v1::Transcript& transcript,
                    const std::string& output, bool print_jws, absl::string_view note) {
  if (!output.empty() && !WriteOutput(session, output, transcript.jws())) {
    session.err() << "  (transcript " << transcript.number()
                  << " is on the server: cbctl transcript get --number " << transcript.number()
                  << " --out FILE writes it)\n";
    return kExitUsage;
  }
  if (session.json()) {
    session.out() << ToJson(transcript);
    return kExitOk;
  }
  session.out() << TranscriptView(transcript) << note;
  if (!output.empty()) {
    session.out() << "(wrote the signed transcript, " << transcript.jws().size() << " bytes, to "
                  << output << ")\n";
  } else if (print_jws) {
    session.out() << "\n" << transcript.jws() << "\n";
  }
  return kExitOk;
}

int Issue(Session& session, const TranscriptFlags& flags) {
  if (flags.entry_ids.empty() && flags.programme_id.empty()) {
    session.err() << "cbctl: transcript issue needs --entries or --programme\n";
    return kExitUsage;
  }
  transcripts_v1::IssueTranscriptRequest request;
  request.set_account_number(flags.account_number);
  for (uint64_t id : flags.entry_ids) request.add_entry_ids(id);
  request.set_programme_id(flags.programme_id);
  request.set_show_name(flags.show_name);
  request.set_valid_seconds(flags.valid_days * kSecondsPerDay);
  request.set_request_id(flags.request_id.empty() ? DeriveIssueRequestId(request)
                                                  : flags.request_id);
  absl::StatusOr<transcripts_v1::Transcript> issued =
      session.transcripts().IssueTranscript(request);
  if (!issued.ok()) {
    const int code = ReportError(session.err(), issued.status());
    NameBadEntries(session, issued.status(), flags.entry_ids);
    return code;
  }
  // A fresh transcript is active: a revoked one is what this request id
  // issued before.
  const bool revoked_before = issued->state() == transcripts_v1::TRANSCRIPT_STATE_REVOKED;
  return PrintTranscript(
      session, *issued, flags.output, /*print_jws=*/true,
      revoked_before ? "(this request id issued that transcript before, and it has been "
                       "revoked since: give another --request-id to issue a new one)\n"
                     : "");
}

int Get(Session& session, const TranscriptFlags& flags) {
  transcripts_v1::GetTranscriptRequest request;
  request.set_number(flags.number);
  absl::StatusOr<transcripts_v1::Transcript> transcript =
      session.transcripts().GetTranscript(request);
  if (!transcript.ok()) return ReportError(session.err(), transcript.status());
  return PrintTranscript(session, *transcript, flags.output, /*print_jws=*/false,
                         flags.output.empty() ? "(--out FILE writes the signed transcript)\n"
                                              : "");
}

// Every page, merged into one answer.
absl::StatusOr<transcripts_v1::ListTranscriptsResponse> ListAll(Session& session,
                                                               const TranscriptFlags& flags) {
  transcripts_v1::ListTranscriptsRequest request;
  request.set_account_number(flags.account_number);
  transcripts_v1::ListTranscriptsResponse merged;
  while (true) {
    absl::StatusOr<transcripts_v1::ListTranscriptsResponse> page =
        session.transcripts().ListTranscripts(request);
    if (!page.ok()) return page.status();
    merged.mutable_transcripts()->MergeFrom(page->transcripts());
    // A token equal to the last one would loop forever.
    if (page->next_page_token().empty() || page->next_page_token() == request.page_token()) {
      return merged;
    }
    request.set_page_token(page->next_page_token());
  }
}

std::string ListView(const transcripts_v1::ListTranscriptsResponse& all) {
  if (all.transcripts().empty()) return "(no transcripts)\n";
  return TranscriptTable(all.transcripts());
}

int Revoke(Session& session, const TranscriptFlags& flags) {
  transcripts_v1::RevokeTranscriptRequest request;
  request.set_number(flags.number);
  request.set_reason(flags.reason);
  // Revoking twice changes nothing: the first revocation, with its reason,
  // comes back.
  return Show(session, session.transcripts().RevokeTranscript(request),
              [&flags](const transcripts_v1::Transcript& revoked) {
                return absl::StrCat(TranscriptView(revoked),
                                    revoked.revocation_reason() == flags.reason
                                        ? "(revoked: verifiers see it when they next fetch "
                                          "the status list)\n"
                                        : "(already revoked: the first revocation is shown)\n");
              });
}

int Jwks(Session& session, const TranscriptFlags& flags) {
  absl::StatusOr<transcripts_v1::Jwks> jwks = session.transcripts().GetJwks();
  if (!jwks.ok()) return ReportError(session.err(), jwks.status());
  if (!flags.output.empty() && !WriteOutput(session, flags.output, jwks->json())) {
    return kExitUsage;
  }
  if (session.json()) {
    session.out() << ToJson(*jwks);
  } else if (flags.output.empty()) {
    session.out() << jwks->json() << "\n";  // the set alone: > jwks.json works
  } else {
    absl::StatusOr<std::string> keys = SigningKeysView(*jwks);
    if (!keys.ok()) return ReportError(session.err(), keys.status());
    session.out() << *keys << "(wrote the JWK Set to " << flags.output << ")\n";
  }
  return kExitOk;
}

int StatusList(Session& session, const TranscriptFlags& flags) {
  transcripts_v1::GetStatusListRequest request;
  request.set_list(flags.list);
  absl::StatusOr<transcripts_v1::StatusList> list = session.transcripts().GetStatusList(request);
  if (!list.ok()) return ReportError(session.err(), list.status());
  if (!flags.output.empty() && !WriteOutput(session, flags.output, list->jws())) {
    return kExitUsage;
  }
  if (session.json()) {
    session.out() << ToJson(*list);
  } else if (flags.output.empty()) {
    session.out() << list->jws() << "\n";  // the credential alone, for cbverify --status_list
  } else {
    session.out() << "wrote the status list " << list->url() << " to " << flags.output << "\n";
  }
  return kExitOk;
}

int RotateKey(Session& session, const TranscriptFlags& flags) {
  transcripts_v1::RotateSigningKeyRequest request;
  if (!flags.algorithm.empty()) request.set_algorithm(ParseSigningAlgorithm(flags.algorithm).value());
  absl::StatusOr<transcripts_v1::Jwks> jwks = session.transcripts().RotateSigningKey(request);
  if (!jwks.ok()) return ReportError(session.err(), jwks.status());
  if (session.json()) {
    session.out() << ToJson(*jwks);
    return kExitOk;
  }
  absl::StatusOr<std::string> keys = SigningKeysView(*jwks);
  if (!keys.ok()) return ReportError(session.err(), keys.status());
  session.out() << *keys << "(rotated: new transcripts are signed with " << jwks->current_key_id()
                << "; retired keys stay published and verify what they signed)\n";
  return kExitOk;
}

int Verify(Session& session, const TranscriptFlags& flags) {
  absl::StatusOr<std::string> text = ReadWholeFile(flags.file, domain::jose::kMaxJwsBytes);
  if (!text.ok()) {
    session.err() << "cbctl: " << text.status().message() << "\n";
    return kExitUsage;
  }
  // A file saved by an editor or `echo` ends in a newline; the JWS does not.
  verification_v1::VerifyTranscriptRequest request;
  request.set_jws(std::string(absl::StripAsciiWhitespace(*text)));
  if (request.jws().empty()) {
    session.err() << "cbctl: " << flags.file << " is empty, not a transcript\n";
    return kExitUsage;
  }
  absl::StatusOr<verification_v1::VerificationReport> report =
      session.transcripts().VerifyTranscript(request);
  if (!report.ok()) return ReportError(session.err(), report.status());
  session.out() << (session.json() ? ToJson(*report) : VerificationReportView(*report));
  return report->valid() ? kExitOk : kExitNotValid;
}

// `without`: what happens without --out, if anything.
CLI::Option* AddOutput(CLI::App& command, TranscriptFlags& flags, absl::string_view what,
                       absl::string_view without = "") {
  return command.add_option(
      "-o,--out", flags.output,
      absl::StrCat("write ", what, " to this file",
                   without.empty() ? "" : absl::StrCat(" (default: ", without, ")")));
}

CLI::Option* AddNumber(CLI::App& command, TranscriptFlags& flags) {
  return command.add_option("--number", flags.number, "the transcript's number")
      ->required()
      ->check(CLI::PositiveNumber);
}

void AddIssueCommand(CLI::App& group, Action& action) {
  auto flags = std::make_shared<TranscriptFlags>();
  CLI::App* issue = group.add_subcommand(
      "issue",
      "sign a transcript over chosen entries of one account, or over its progress in a "
      "programme (W3C VC as a JWS)");
  issue->add_option("--account", flags->account_number, "16-digit account number")->required();
  CLI::Option* entries =
      issue->add_option("--entries", flags->entry_ids,
                        "the account's entries to show, in this order, e.g. 12,15,17")
          ->delimiter(',')
          ->check(CLI::PositiveNumber);
  CLI::Option* programme = issue->add_option(
      "--programme", flags->programme_id,
      "a programme id: show the progress toward it and the entries that count (the derived "
      "request id replays the first such transcript; give --request-id for a newer one)");
  entries->excludes(programme);  // and Issue() needs one of them
  issue->add_flag("--show-name", flags->show_name,
                  "show the account holder's name as the bank has it on record (default: no "
                  "name, the account number identifies them)");
  issue->add_option("--valid-days", flags->valid_days,
                    "days the transcript is valid for (default: no end)")
      ->check(CLI::Range(int64_t{1}, kMaxValidDays));
  issue->add_option("--request-id", flags->request_id,
                    "idempotency key (default: derived from the account, entries or programme, "
                    "--show-name and validity, so the same command issues once)");
  AddOutput(*issue, *flags, "the signed transcript", "print it after the fields");
  OnChosen(*issue, action, flags, Issue);
}

void AddReadCommands(CLI::App& group, Action& action) {
  auto flags = std::make_shared<TranscriptFlags>();
  CLI::App* get = group.add_subcommand(
      "get", "one transcript: state, revocation, entries reversed since issue");
  AddNumber(*get, *flags);
  AddOutput(*get, *flags, "the signed transcript");
  OnChosen(*get, action, flags, Get);

  CLI::App* list = group.add_subcommand("list", "an account's transcripts (every page)");
  list->add_option("--account", flags->account_number, "16-digit account number")->required();
  list->callback([&action, flags] {
    action = [flags](Session& s) { return Show(s, ListAll(s, *flags), ListView); };
  });
}

void AddRevokeCommand(CLI::App& group, Action& action) {
  auto flags = std::make_shared<TranscriptFlags>();
  CLI::App* revoke = group.add_subcommand(
      "revoke", "revoke a transcript: its bit in the published status list is set");
  AddNumber(*revoke, *flags);
  revoke->add_option("--reason", flags->reason, "why (1-500 characters)")->required();
  OnChosen(*revoke, action, flags, Revoke);
}

void AddPublishedCommands(CLI::App& group, Action& action) {
  auto flags = std::make_shared<TranscriptFlags>();
  CLI::App* jwks = group.add_subcommand(
      "jwks", "the bank's transcript signing keys, current and retired, as a JWK Set (JSON)");
  AddOutput(*jwks, *flags, "the JWK Set", "print it alone");
  OnChosen(*jwks, action, flags, Jwks);

  CLI::App* status = group.add_subcommand(
      "status-list", "a revocation status list credential (a signed JWS), as verifiers fetch it");
  status->add_option("--list", flags->list, "the list's number (a transcript's status list URL "
                                            "ends in it)")
      ->required()
      ->check(CLI::PositiveNumber);
  AddOutput(*status, *flags, "the status list", "print it alone");
  OnChosen(*status, action, flags, StatusList);
}

void AddKeyAndVerifyCommands(CLI::App& group, Action& action) {
  auto flags = std::make_shared<TranscriptFlags>();
  CLI::App* rotate = group.add_subcommand(
      "rotate-key", "operators: a new signing key becomes current; the old one retires");
  rotate->add_option("--algorithm", flags->algorithm, "es256 or eddsa (default: es256)")
      ->check(ParsedBy(ParseSigningAlgorithm, "es256|eddsa"));
  OnChosen(*rotate, action, flags, RotateKey);

  CLI::App* verify = group.add_subcommand(
      "verify", absl::StrCat("ask the bank's verification service to check a transcript (exit ",
                             kExitOk, " valid, ", kExitNotValid, " not valid)"));
  verify->add_option("-f,--file", flags->file, "the transcript (compact JWS) file")->required();
  OnChosen(*verify, action, flags, Verify);
}

}  // namespace

void AddTranscriptCommands(CLI::App& app, Action& action) {
  CLI::App* group = app.add_subcommand(
      "transcript", "signed transcripts: issue, read, revoke, verify; the signing keys and "
                    "status lists");
  group->require_subcommand(1);
  AddIssueCommand(*group, action);
  AddReadCommands(*group, action);
  AddRevokeCommand(*group, action);
  AddPublishedCommands(*group, action);
  AddKeyAndVerifyCommands(*group, action);
}

}  // namespace creditbank::cbctl
