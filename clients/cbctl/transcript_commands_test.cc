// cbctl transcript ... as whole command lines: against a real server on
// 127.0.0.1:0 (every service in one process, RocksDB in a temp directory),
// and, for usage errors, against no server at all. What cbctl writes to
// --out (transcript, JWK Set, status list) is also verified offline with
// the same code cbverify runs, so the files are proven usable as they are.
//
// The server's clock is a FakeClock the tests move: the verification
// service caches what the bank publishes for domain::kPublishedStateTtl,
// and a revocation or a new key shows only once that has passed.
#include <chrono>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "clients/cbctl/cli.h"
#include "clients/cbctl/cli_test_support.h"
#include "clients/cbctl/exit_codes.h"
#include "common/clock.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "creditbank/transcripts/v1/transcripts.pb.h"
#include "creditbank/verification/v1/verification.pb.h"
#include "creditbank/accounts/v1/accounts.pb.h"
#include "domain/jose/jwk.h"
#include "domain/jose/jws.h"
#include "domain/transcripts/transcript_verifier.h"
#include "domain/transcripts_engine.h"
#include "domain/verification_engine.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/server.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/temp_dir.h"

namespace creditbank::cbctl {
namespace {

using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

namespace transcripts_v1 = ::creditbank::transcripts::v1;
namespace verification_v1 = ::creditbank::verification::v1;
namespace offline = ::creditbank::domain::transcripts;

constexpr char kInstitution[] = "4150013588";
// The nine checks of docs/transcripts.md §4, in the report's order.
const char* const kCheckNames[] = {"format",   "issuer_key", "signature",
                                   "credential", "validity", "status",
                                   "checkpoint", "inclusion", "consistency"};
// Short, so the reversal review runs within a test; the default is minutes.
constexpr absl::Duration kReviewInterval = absl::Milliseconds(100);
// How long to wait for that review to flag a transcript.
constexpr absl::Duration kReviewDeadline = absl::Seconds(20);
// Past the verification service's cache of keys and status lists.
const absl::Duration kPastPublishedStateTtl = domain::kPublishedStateTtl + absl::Seconds(1);
// Transcripts per ListTranscripts page when none is asked for
// (domain::kDefaultTranscriptPageSize); the paging test needs more.
constexpr int kMoreThanOnePage = domain::kDefaultTranscriptPageSize + 5;

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

template <typename Message>
Message ParseJson(const std::string& json) {
  Message message;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &message).ok()) << json;
  return message;
}

class TranscriptCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    services::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.File("data");
    options.key_file = dir_.File("keys");
    options.block_cache_bytes = size_t{8} << 20;
    options.transcript_review_interval = kReviewInterval;
    absl::StatusOr<std::unique_ptr<services::CreditBankServer>> server =
        services::CreditBankServer::Start(options, clock_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ASSERT_TRUE(server_->OpenStorage().ok());
    ASSERT_NO_FATAL_FAILURE(SetUpInstitution());
  }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  Result Cbctl(std::vector<std::string> args) {
    args.insert(args.begin(), absl::StrCat("--server=127.0.0.1:", server_->port()));
    std::ostringstream out;
    std::ostringstream err;
    const int code = RunCbctl(args, out, err, false);
    return {code, out.str(), err.str()};
  }

  void SetUpInstitution() {
    Result registered = Cbctl({"institution", "register", "--code", kInstitution, "--name",
                               "重庆工程职业技术学院", "--sector", "vocational"});
    ASSERT_EQ(registered.exit_code, kExitOk) << registered.err;
    Result accredited = Cbctl({"institution", "accredit", "--code", kInstitution, "--kinds",
                               "course_credit", "--sectors", "vocational", "--max-level", "8",
                               "--reason", "渝教职成〔2026〕12号"});
    ASSERT_EQ(accredited.exit_code, kExitOk) << accredited.err;
  }

  std::string OpenAccount(int person) {
    Result opened = Cbctl({"--json", "account", "open", "--resident-id",
                           testing::ResidentId(person), "--name", "张伟"});
    EXPECT_EQ(opened.exit_code, kExitOk) << opened.err;
    return ParseJson<accounts::v1::OpenAccountResponse>(opened.out).account().account_number();
  }

  // Records a course for `account`; returns its entry id.
  uint64_t Record(const std::string& account, const std::string& code, const std::string& title) {
    Result recorded = Cbctl({"--json", "ledger", "record", "--institution", kInstitution,
                             "--account", account, "--kind", "course_credit", "--code", code,
                             "--title", title, "--credits", "3.5", "--hours", "56", "--grade",
                             "85/100", "--level", "6", "--completed", "2025-06-20"});
    EXPECT_EQ(recorded.exit_code, kExitOk) << recorded.err;
    return ParseJson<ledger::v1::RecordOutcomeResponse>(recorded.out).entry().entry_id();
  }

  // `cbctl --json transcript ARGS...`, which must succeed.
  transcripts_v1::Transcript TranscriptJson(std::vector<std::string> args) {
    args.insert(args.begin(), {"--json", "transcript"});
    Result result = Cbctl(args);
    EXPECT_EQ(result.exit_code, kExitOk) << result.err;
    return ParseJson<transcripts_v1::Transcript>(result.out);
  }

  std::string File(const std::string& name) const { return dir_.File(name); }

  testing::TempDir dir_;
  // A whole second, as transcripts and JWKs record times.
  FakeClock clock_{absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()))};
  std::unique_ptr<services::CreditBankServer> server_;
};

// What cbverify would say of `transcript_file`, given the JWK Set and
// status list files cbctl wrote, at the server's time.
offline::VerificationReport VerifyOffline(const std::string& transcript_file,
                                          const std::string& jwks_file,
                                          const std::string& status_list_file, absl::Time now) {
  absl::StatusOr<std::vector<domain::jose::PublicJwk>> keys =
      domain::jose::ParseJwks(ReadFile(jwks_file));
  EXPECT_TRUE(keys.ok()) << keys.status();
  const std::vector<domain::jose::PublicJwk> no_keys;
  offline::VerificationInputs inputs;
  inputs.keys = keys.ok() ? &*keys : &no_keys;
  inputs.now = now;
  inputs.status_list_jws = std::string(absl::StripAsciiWhitespace(ReadFile(status_list_file)));
  inputs.pinned_log_key = offline::LogKeyFromJwks(ReadFile(jwks_file));
  EXPECT_TRUE(inputs.pinned_log_key.has_value()) << "the published JWK Set names no log key";
  return offline::VerifyTranscript(absl::StripAsciiWhitespace(ReadFile(transcript_file)),
                                   inputs);
}

TEST_F(TranscriptCommandsTest, TranscriptLifecycleIssueReadVerifyRevokeRotate) {
  const std::string account = OpenAccount(1);
  const uint64_t math = Record(account, "MATH101", "高等数学（上）");
  const uint64_t english = Record(account, "ENG201", "大学英语, 第二册");
  const uint64_t drawing = Record(account, "CAD110", "机械制图与CAD");

  // issue: the fields, and the JWS in the --out file.
  const std::string entries = absl::StrCat(math, ",", english, ",", drawing);
  Result issued = Cbctl({"transcript", "issue", "--account", account, "--entries", entries,
                         "--show-name", "--valid-days", "365", "--out", File("t1.jws")});
  ASSERT_EQ(issued.exit_code, kExitOk) << issued.err;
  EXPECT_THAT(issued.out, ContainsRegex("number +1\n"));
  EXPECT_THAT(issued.out, HasSubstr("urn:creditbank:transcript:1"));
  EXPECT_THAT(issued.out, ContainsRegex(absl::StrCat("entries +", entries, "\n")));
  EXPECT_THAT(issued.out, ContainsRegex("state +active\n"));
  EXPECT_THAT(issued.out, ContainsRegex("request id +cli-transcript-[0-9a-f]{24}\n"));
  EXPECT_THAT(issued.out, HasSubstr(absl::StrCat("to ", File("t1.jws"), ")")));
  const std::string t1 = std::string(absl::StripAsciiWhitespace(ReadFile(File("t1.jws"))));
  const absl::StatusOr<domain::jose::ParsedJws> parsed = domain::jose::ParseCompactJws(t1);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->payload, HasSubstr("\"name\":\"张伟\""));

  // get: the same transcript; --out writes the same JWS.
  const transcripts_v1::Transcript first = TranscriptJson({"get", "--number", "1"});
  EXPECT_EQ(first.jws(), t1);
  EXPECT_EQ(first.account_number(), account);
  EXPECT_THAT(issued.out, ContainsRegex(absl::StrCat("key +", first.key_id(), "\n")));
  Result got = Cbctl({"transcript", "get", "--number", "1", "--out", File("t1-again.jws")});
  ASSERT_EQ(got.exit_code, kExitOk) << got.err;
  EXPECT_THAT(got.out, ContainsRegex("needs review +no\n"));
  EXPECT_EQ(ReadFile(File("t1-again.jws")), t1 + "\n");

  // A second transcript (explicit request id, printed JWS), and the list.
  Result second = Cbctl({"transcript", "issue", "--account", account, "--entries",
                         absl::StrCat(english, ",", math), "--request-id", "cv-2026-12"});
  ASSERT_EQ(second.exit_code, kExitOk) << second.err;
  EXPECT_THAT(second.out, ContainsRegex("request id +cv-2026-12\n"));
  const transcripts_v1::Transcript t2 = TranscriptJson({"get", "--number", "2"});
  EXPECT_THAT(second.out, HasSubstr(absl::StrCat("\n\n", t2.jws(), "\n")));
  ASSERT_NO_FATAL_FAILURE(WriteFile(File("t2.jws"), t2.jws()));
  Result listed = Cbctl({"transcript", "list", "--account", account});
  ASSERT_EQ(listed.exit_code, kExitOk) << listed.err;
  EXPECT_THAT(listed.out, ContainsRegex("NUMBER +ISSUED +ENTRIES +STATE +NEEDS REVIEW\n"));
  EXPECT_THAT(listed.out, ContainsRegex(absl::StrCat("\n +1 [^\n]* ", entries, " +active\n")));
  EXPECT_THAT(listed.out, ContainsRegex(absl::StrCat("\n +2 [^\n]* ", english, ",", math,
                                                     " +active\n")));

  // verify: valid, every check passed, as cbverify prints it.
  Result valid = Cbctl({"transcript", "verify", "--file", File("t1.jws")});
  ASSERT_EQ(valid.exit_code, kExitOk) << valid.out << valid.err;
  for (const char* check : kCheckNames) {
    EXPECT_THAT(valid.out, ContainsRegex(absl::StrCat("\n  ", check, " +passed"))) << check;
  }
  EXPECT_THAT(valid.out, HasSubstr("transcript urn:creditbank:transcript:1 (3 achievements) for "
                                   "urn:creditbank:account:" + account));
  EXPECT_THAT(valid.out, HasSubstr("verdict: VALID\n"));

  // The published state, in files another tool can use as they are.
  Result jwks = Cbctl({"transcript", "jwks", "--out", File("jwks.json")});
  ASSERT_EQ(jwks.exit_code, kExitOk) << jwks.err;
  EXPECT_THAT(jwks.out, HasSubstr(absl::StrCat("current key: ", first.key_id(), "\n")));
  ASSERT_TRUE(domain::jose::ParseJwks(ReadFile(File("jwks.json"))).ok());
  Result printed_jwks = Cbctl({"transcript", "jwks"});
  EXPECT_EQ(printed_jwks.out, ReadFile(File("jwks.json")));
  Result status = Cbctl({"transcript", "status-list", "--list", "1", "--out", File("status.jws")});
  ASSERT_EQ(status.exit_code, kExitOk) << status.err;
  EXPECT_THAT(status.out, HasSubstr("https://creditbank.local/status/1"));
  offline::VerificationReport offline_report =
      VerifyOffline(File("t1.jws"), File("jwks.json"), File("status.jws"), clock_.Now());
  EXPECT_TRUE(offline_report.valid) << offline::ReportToJson(offline_report).dump();

  // revoke: the service says so once its cached status list has expired,
  // and so does the list cbctl fetches then.
  Result revoked = Cbctl({"transcript", "revoke", "--number", "1", "--reason", "姓名有误"});
  ASSERT_EQ(revoked.exit_code, kExitOk) << revoked.err;
  EXPECT_THAT(revoked.out, ContainsRegex("state +revoked\n"));
  EXPECT_THAT(revoked.out, ContainsRegex("revocation reason +姓名有误\n"));
  EXPECT_THAT(revoked.out, HasSubstr("(revoked: "));
  clock_.Advance(kPastPublishedStateTtl);
  Result not_valid = Cbctl({"transcript", "verify", "--file", File("t1.jws")});
  EXPECT_EQ(not_valid.exit_code, kExitNotValid) << not_valid.out << not_valid.err;
  EXPECT_THAT(not_valid.out, ContainsRegex("\n  status +failed +revoked"));
  EXPECT_THAT(not_valid.out, HasSubstr("verdict: NOT VALID\n"));
  Result verified_json = Cbctl({"--json", "transcript", "verify", "--file", File("t1.jws")});
  EXPECT_EQ(verified_json.exit_code, kExitNotValid);
  const auto report = ParseJson<verification_v1::VerificationReport>(verified_json.out);
  EXPECT_FALSE(report.valid());
  EXPECT_EQ(report.status(), "revoked");
  ASSERT_EQ(report.checks_size(), 9);
  ASSERT_EQ(Cbctl({"transcript", "status-list", "--list", "1", "--out", File("status.jws")})
                .exit_code,
            kExitOk);
  offline_report =
      VerifyOffline(File("t1.jws"), File("jwks.json"), File("status.jws"), clock_.Now());
  EXPECT_FALSE(offline_report.valid);
  EXPECT_EQ(offline_report.status, "revoked");
  // Revoking again changes nothing and says so.
  Result again = Cbctl({"transcript", "revoke", "--number", "1", "--reason", "重复"});
  EXPECT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_THAT(again.out, HasSubstr("(already revoked"));
  EXPECT_THAT(again.out, ContainsRegex("revocation reason +姓名有误\n"));

  // rotate-key: a later second than the last issue (a retired key vouches
  // for transcripts valid from before it retired, in whole seconds).
  clock_.Advance(absl::Seconds(1));
  Result rotated = Cbctl({"transcript", "rotate-key", "--algorithm", "eddsa"});
  ASSERT_EQ(rotated.exit_code, kExitOk) << rotated.err;
  EXPECT_THAT(rotated.out, ContainsRegex(absl::StrCat("\n", first.key_id(), " +ES256 +retired ")));
  EXPECT_THAT(rotated.out, ContainsRegex("\neddsa-[^ ]+ +EdDSA +current\n"));
  clock_.Advance(kPastPublishedStateTtl);
  const transcripts_v1::Transcript t3 =
      TranscriptJson({"issue", "--account", account, "--entries", absl::StrCat(drawing)});
  EXPECT_NE(t3.key_id(), first.key_id());
  EXPECT_THAT(rotated.out, HasSubstr(absl::StrCat("current key: ", t3.key_id(), "\n")));
  ASSERT_NO_FATAL_FAILURE(WriteFile(File("t3.jws"), t3.jws()));
  Result new_key = Cbctl({"transcript", "verify", "--file", File("t3.jws")});
  EXPECT_EQ(new_key.exit_code, kExitOk) << new_key.out << new_key.err;
  // The transcript the old key signed still verifies, with the key retired.
  Result old_key = Cbctl({"transcript", "verify", "--file", File("t2.jws")});
  EXPECT_EQ(old_key.exit_code, kExitOk) << old_key.out << old_key.err;
  EXPECT_THAT(old_key.out, HasSubstr(absl::StrCat("key: ", first.key_id(), " (retired since)")));
  EXPECT_THAT(Cbctl({"transcript", "get", "--number", "2"}).out, ContainsRegex("state +active\n"));
}

// The all-in-one server's transcripts service asks its own rules service
// which entries count toward a programme.
TEST_F(TranscriptCommandsTest, TranscriptIssueOverAProgrammeShowsTheEntriesThatCount) {
  const std::string account = OpenAccount(1);
  const uint64_t web = Record(account, "WEB101", "Web 前端开发基础");
  Record(account, "ART101", "美术鉴赏");  // not the programme's
  const uint64_t db = Record(account, "DB101", "数据库原理");
  const std::string programme = File("programme.json");
  WriteFile(programme, absl::StrCat(R"({"id": "CQGC-WEB-2026", "institution_code": ")",
                                    kInstitution, R"(", "title": "Web 前端开发技术",
      "framework_level": 5, "required_credits_milli": 12000,
      "categories": [{"code": "MAJOR", "name": "专业课", "min_credits_milli": 12000}],
      "courses": [{"code": "WEB101", "title": "Web", "category": "MAJOR", "credits_milli": 3500},
                  {"code": "DB101", "title": "DB", "category": "MAJOR", "credits_milli": 3500}]})"));
  Result put = Cbctl({"programme", "put", "-f", programme});
  ASSERT_EQ(put.exit_code, kExitOk) << put.err;

  Result issued = Cbctl({"transcript", "issue", "--account", account, "--programme",
                         "CQGC-WEB-2026", "--out", File("t.jws")});
  ASSERT_EQ(issued.exit_code, kExitOk) << issued.err;
  EXPECT_THAT(issued.out, ContainsRegex("programme +CQGC-WEB-2026"));
  EXPECT_THAT(issued.out, ContainsRegex(absl::StrCat("entries +", web, ",", db, "\n")));
  Result verified = Cbctl({"transcript", "verify", "--file", File("t.jws")});
  EXPECT_EQ(verified.exit_code, kExitOk) << verified.out << verified.err;

  // The same command replays; one naming an unknown programme says so.
  Result again = Cbctl({"--json", "transcript", "issue", "--account", account, "--programme",
                        "CQGC-WEB-2026"});
  EXPECT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_EQ(ParseJson<transcripts_v1::Transcript>(again.out).programme_id(), "CQGC-WEB-2026");
  Result unknown = Cbctl({"transcript", "issue", "--account", account, "--programme", "NOPE"});
  EXPECT_NE(unknown.exit_code, kExitOk);
  EXPECT_THAT(unknown.err, HasSubstr("PROGRAMME_NOT_FOUND"));
}

TEST_F(TranscriptCommandsTest, TranscriptIssueTwiceIssuesOnceUnlessTheRequestIdDiffers) {
  const std::string account = OpenAccount(1);
  const uint64_t entry = Record(account, "MATH101", "高等数学（上）");
  const std::vector<std::string> issue = {"issue", "--account", account, "--entries",
                                          absl::StrCat(entry)};
  const transcripts_v1::Transcript first = TranscriptJson(issue);
  EXPECT_EQ(TranscriptJson(issue).number(), first.number());
  // Showing the name is another transcript.
  std::vector<std::string> named = issue;
  named.push_back("--show-name");
  EXPECT_NE(TranscriptJson(named).number(), first.number());

  // Once revoked, the same command finds the revoked transcript, and says
  // how to get a new one.
  ASSERT_EQ(Cbctl({"transcript", "revoke", "--number", absl::StrCat(first.number()), "--reason",
                   "已作废"})
                .exit_code,
            kExitOk);
  std::vector<std::string> human = issue;
  human.insert(human.begin(), "transcript");
  Result replayed = Cbctl(human);
  EXPECT_EQ(replayed.exit_code, kExitOk) << replayed.err;
  EXPECT_THAT(replayed.out, ContainsRegex("state +revoked\n"));
  EXPECT_THAT(replayed.out, HasSubstr("give another --request-id"));
  human.insert(human.end(), {"--request-id", "reissue-1"});
  Result reissued = Cbctl(human);
  EXPECT_EQ(reissued.exit_code, kExitOk) << reissued.err;
  EXPECT_THAT(reissued.out, ContainsRegex("state +active\n"));
}

TEST_F(TranscriptCommandsTest, TranscriptBadInputIsRefusedClearly) {
  const std::string account = OpenAccount(1);
  const std::string other = OpenAccount(2);
  const uint64_t own = Record(account, "MATH101", "高等数学（上）");
  const uint64_t others = Record(other, "ENG201", "大学英语");

  Result unknown = Cbctl({"transcript", "get", "--number", "999"});
  EXPECT_EQ(unknown.exit_code, kExitRefused);
  EXPECT_THAT(unknown.err, HasSubstr("cbctl: NOT_FOUND: "));
  EXPECT_THAT(unknown.err, HasSubstr("number: no transcript 999"));
  EXPECT_THAT(unknown.err, HasSubstr("reason: TRANSCRIPT_NOT_FOUND"));
  Result revoke_unknown = Cbctl({"transcript", "revoke", "--number", "999", "--reason", "r"});
  EXPECT_EQ(revoke_unknown.exit_code, kExitRefused);
  EXPECT_THAT(revoke_unknown.err, HasSubstr("reason: TRANSCRIPT_NOT_FOUND"));

  // The second entry is another account's: the server names its place,
  // cbctl names the entry.
  Result mixed = Cbctl({"transcript", "issue", "--account", account, "--entries",
                        absl::StrCat(own, ",", others)});
  EXPECT_EQ(mixed.exit_code, kExitRefused);
  EXPECT_THAT(mixed.err, HasSubstr("cbctl: FAILED_PRECONDITION: "));
  EXPECT_THAT(mixed.err, HasSubstr("  entry_ids[1]: is another account's entry\n"));
  EXPECT_THAT(mixed.err, HasSubstr(absl::StrCat("  (entry_ids[1] is entry ", others,
                                                " of --entries)\n")));
  EXPECT_THAT(mixed.err, HasSubstr("reason: ENTRY_ACCOUNT_MISMATCH"));
  EXPECT_EQ(mixed.out, "");

  Result missing_entry =
      Cbctl({"transcript", "issue", "--account", account, "--entries", "9999"});
  EXPECT_EQ(missing_entry.exit_code, kExitRefused);
  EXPECT_THAT(missing_entry.err, HasSubstr("(entry_ids[0] is entry 9999 of --entries)"));

  Result repeated = Cbctl({"transcript", "issue", "--account", account, "--entries",
                           absl::StrCat(own, ",", own)});
  EXPECT_EQ(repeated.exit_code, kExitRefused);
  EXPECT_THAT(repeated.err, HasSubstr("entry_ids[1]: repeats an entry"));

  Result no_list = Cbctl({"transcript", "status-list", "--list", "7"});
  EXPECT_EQ(no_list.exit_code, kExitRefused);
  EXPECT_THAT(no_list.err, HasSubstr("reason: STATUS_LIST_NOT_FOUND"));

  Result no_transcripts = Cbctl({"transcript", "list", "--account", other});
  EXPECT_EQ(no_transcripts.exit_code, kExitOk) << no_transcripts.err;
  EXPECT_EQ(no_transcripts.out, "(no transcripts)\n");

  // An --out that cannot be written: the transcript was issued, and cbctl
  // says how to get it.
  Result unwritable = Cbctl({"transcript", "issue", "--account", account, "--entries",
                             absl::StrCat(own), "--out", File("no/such/dir/t.jws")});
  EXPECT_EQ(unwritable.exit_code, kExitUsage);
  EXPECT_THAT(unwritable.err, HasSubstr("cannot write "));
  EXPECT_THAT(unwritable.err, ContainsRegex("cbctl transcript get --number [0-9]+ --out FILE"));
}

TEST_F(TranscriptCommandsTest, TranscriptVerifyOfTamperedOrUnusableFiles) {
  const std::string account = OpenAccount(1);
  const uint64_t entry = Record(account, "MATH101", "高等数学（上）");
  const transcripts_v1::Transcript issued =
      TranscriptJson({"issue", "--account", account, "--entries", absl::StrCat(entry)});
  // A changed signature byte: the service says which check failed.
  std::string tampered = issued.jws();
  char& last = tampered[tampered.size() - 3];
  last = last == 'A' ? 'B' : 'A';
  ASSERT_NO_FATAL_FAILURE(WriteFile(File("tampered.jws"), tampered));
  Result forged = Cbctl({"transcript", "verify", "--file", File("tampered.jws")});
  EXPECT_EQ(forged.exit_code, kExitNotValid) << forged.err;
  EXPECT_THAT(forged.out, ContainsRegex("\n  signature +failed"));
  EXPECT_THAT(forged.out, HasSubstr("verdict: NOT VALID\n"));

  ASSERT_NO_FATAL_FAILURE(WriteFile(File("garbage.jws"), "not a transcript"));
  Result garbage = Cbctl({"transcript", "verify", "--file", File("garbage.jws")});
  EXPECT_EQ(garbage.exit_code, kExitNotValid);
  EXPECT_THAT(garbage.out, ContainsRegex("^  format +failed +malformed JWS"));

  ASSERT_NO_FATAL_FAILURE(WriteFile(File("empty.jws"), "\n"));
  Result empty = Cbctl({"transcript", "verify", "--file", File("empty.jws")});
  EXPECT_EQ(empty.exit_code, kExitUsage);
  EXPECT_THAT(empty.err, HasSubstr("is empty, not a transcript"));
  Result missing = Cbctl({"transcript", "verify", "--file", File("missing.jws")});
  EXPECT_EQ(missing.exit_code, kExitUsage);
  EXPECT_THAT(missing.err, HasSubstr("cannot open "));
}

// A reversal after issue: the server's review flags the transcript, and
// get and list show it; the reversed entry cannot go in a new transcript.
TEST_F(TranscriptCommandsTest, TranscriptNeedsReviewOnceAnEntryIsReversed) {
  const std::string account = OpenAccount(1);
  const uint64_t kept = Record(account, "MATH101", "高等数学（上）");
  const uint64_t wrong = Record(account, "ENG201", "大学英语");
  const transcripts_v1::Transcript issued = TranscriptJson(
      {"issue", "--account", account, "--entries", absl::StrCat(kept, ",", wrong)});
  ASSERT_EQ(Cbctl({"ledger", "reverse", "--institution", kInstitution, "--account", account,
                   "--entry", absl::StrCat(wrong), "--reason", "成绩录入错误"})
                .exit_code,
            kExitOk);

  const std::vector<std::string> get = {"transcript", "get", "--number",
                                        absl::StrCat(issued.number())};
  const absl::Time deadline = absl::Now() + kReviewDeadline;
  Result flagged = Cbctl(get);
  while (flagged.out.find("reversed since issue") == std::string::npos &&
         absl::Now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    flagged = Cbctl(get);
  }
  EXPECT_THAT(flagged.out,
              ContainsRegex(absl::StrCat("needs review +yes \\(#", wrong, " reversed since "
                                                                          "issue\\)\n")));
  EXPECT_THAT(flagged.out, ContainsRegex("state +active\n"));
  Result listed = Cbctl({"transcript", "list", "--account", account});
  EXPECT_THAT(listed.out, ContainsRegex(absl::StrCat(" active +yes \\(#", wrong, " ")));

  // The same command again is a retry: the transcript it issued, flagged.
  Result replayed = Cbctl({"transcript", "issue", "--account", account, "--entries",
                           absl::StrCat(kept, ",", wrong)});
  EXPECT_EQ(replayed.exit_code, kExitOk) << replayed.err;
  EXPECT_THAT(replayed.out, ContainsRegex(absl::StrCat("number +", issued.number(), "\n")));
  EXPECT_THAT(replayed.out, ContainsRegex("needs review +yes "));
  Result reissue = Cbctl({"transcript", "issue", "--account", account, "--entries",
                          absl::StrCat(kept, ",", wrong), "--request-id", "after-reversal"});
  EXPECT_EQ(reissue.exit_code, kExitRefused);
  EXPECT_THAT(reissue.err, HasSubstr("entry_ids[1]: has been reversed"));
  EXPECT_THAT(reissue.err, HasSubstr("reason: ENTRY_ALREADY_REVERSED"));
}

TEST_F(TranscriptCommandsTest, TranscriptListPagesThroughEveryTranscript) {
  const std::string account = OpenAccount(1);
  const uint64_t entry = Record(account, "MATH101", "高等数学（上）");
  for (int n = 1; n <= kMoreThanOnePage; ++n) {
    Result issued = Cbctl({"transcript", "issue", "--account", account, "--entries",
                           absl::StrCat(entry), "--request-id", absl::StrCat("copy-", n)});
    ASSERT_EQ(issued.exit_code, kExitOk) << issued.err;
  }
  Result json = Cbctl({"--json", "transcript", "list", "--account", account});
  ASSERT_EQ(json.exit_code, kExitOk) << json.err;
  const auto all = ParseJson<transcripts_v1::ListTranscriptsResponse>(json.out);
  ASSERT_EQ(all.transcripts_size(), kMoreThanOnePage);
  EXPECT_EQ(all.next_page_token(), "");
  std::set<uint64_t> numbers;
  for (const auto& transcript : all.transcripts()) numbers.insert(transcript.number());
  EXPECT_EQ(numbers.size(), static_cast<size_t>(kMoreThanOnePage));

  Result table = Cbctl({"transcript", "list", "--account", account});
  const std::vector<std::string> lines =
      absl::StrSplit(table.out, '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), static_cast<size_t>(kMoreThanOnePage) + 1);  // and the header
}

// Command lines refused before any call (exit 2): cli_test_support.h's
// server address has nothing listening, so a call would exit 3.
TEST(TranscriptUsageTest, TranscriptUsageErrorsExitTwoWithoutCallingTheServer) {
  const std::vector<std::vector<std::string>> bad_command_lines = {
      {"transcript"},
      {"transcript", "issue", "--account", "6217000000000014"},
      {"transcript", "issue", "--entries", "1,2"},
      {"transcript", "issue", "--account", "6217000000000014", "--entries", "1", "--programme",
       "CQGC-NET-2026"},
      {"transcript", "issue", "--account", "6217000000000014", "--entries", "1,x"},
      {"transcript", "issue", "--account", "6217000000000014", "--entries", "0"},
      {"transcript", "issue", "--account", "6217000000000014", "--entries", "1",
       "--valid-days", "0"},
      {"transcript", "issue", "--account", "6217000000000014", "--entries", "1",
       "--valid-days", "99999"},
      {"transcript", "get"},
      {"transcript", "get", "--number", "0"},
      {"transcript", "list"},
      {"transcript", "revoke", "--number", "1"},
      {"transcript", "status-list"},
      {"transcript", "status-list", "--list", "0"},
      {"transcript", "rotate-key", "--algorithm", "rs256"},
      {"transcript", "verify"},
      {"transcript", "verify", "--file", "/nonexistent/t.jws"},
  };
  for (const auto& args : bad_command_lines) {
    const cli_testing::Result result = cli_testing::Cbctl(args);
    std::string joined;
    for (const std::string& arg : args) joined += arg + " ";
    EXPECT_EQ(result.exit_code, kExitUsage) << joined << "\n" << result.err << result.out;
  }
  // A well-formed command does call the server (and finds none).
  EXPECT_EQ(cli_testing::Cbctl({"transcript", "jwks"}).exit_code, kExitUnreachable);
}

TEST(TranscriptUsageTest, TranscriptHelpListsEveryCommand) {
  const cli_testing::Result help = cli_testing::Cbctl({"transcript", "--help"});
  EXPECT_EQ(help.exit_code, kExitOk);
  for (const char* command : {"issue", "get", "list", "revoke", "jwks", "status-list",
                              "rotate-key", "verify"}) {
    EXPECT_THAT(help.out, HasSubstr(command));
  }
  EXPECT_THAT(cli_testing::Cbctl({"--help"}).out, HasSubstr("6 transcript verify"));
}

}  // namespace
}  // namespace creditbank::cbctl
