// The transcripts engine and the verification engine on a real Core over a
// real RocksDB: issuing over recorded entries, idempotent retries, refusals,
// revocation through the status list, key rotation, restart, the reversal
// review, and keys sealed at rest.
#include "domain/transcripts_engine.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "domain/errors.h"
#include "domain/rows_command.h"
#include "domain/jose/jwk.h"
#include "domain/jose/jws.h"
#include "domain/programme_source.h"
#include "domain/rules/rules_engine.h"
#include "domain/transcripts/transcript_verifier.h"
#include "domain/verification_engine.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/store.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain {
namespace {

using ::creditbank::testing::CoreFixture;
using ::creditbank::testing::CourseOutcome;
using ::creditbank::testing::StatusIs;
using ::testing::HasSubstr;
namespace api = ::creditbank::transcripts::v1;

constexpr char kInstitution[] = "4150013588";
const TranscriptsConfig kConfig{"https://bank.example.cn", "重庆市终身学习学分银行"};

class TranscriptsEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fixture_.AccreditedInstitution(kInstitution);
    account_ = fixture_.OpenAccount(1);
    other_ = fixture_.OpenAccount(2);
    for (int i = 1; i <= 5; ++i) entries_.push_back(Record(account_, i));
    other_entry_ = Record(other_, 1);
    Open();
  }

  void Open() {
    engine_.reset();
    absl::StatusOr<std::unique_ptr<TranscriptsEngine>> engine = TranscriptsEngine::Open(
        fixture_.core(), fixture_.core(), fixture_.core().log(),
        fixture_.core().transcript_key_encryption_key(), kConfig, fixture_.clock());
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = *std::move(engine);
  }

  uint64_t Record(const std::string& account, int n) {
    ledger::v1::RecordOutcomeRequest request;
    request.set_institution_code(kInstitution);
    *request.mutable_outcome() =
        CourseOutcome(account, absl::StrCat("req-", account, "-", n), absl::StrCat("C", n));
    absl::StatusOr<ledger::v1::RecordOutcomeResponse> recorded =
        fixture_.core().RecordOutcome(request);
    EXPECT_TRUE(recorded.ok()) << recorded.status();
    return recorded.ok() ? recorded->entry().entry_id() : 0;
  }

  absl::StatusOr<ledger::v1::RecordOutcomeResponse> Reverse(uint64_t entry_id) {
    ledger::v1::ReverseEntryRequest reverse;
    reverse.set_institution_code(kInstitution);
    reverse.set_request_id(absl::StrCat("rev-", entry_id));
    reverse.set_account_number(account_);
    reverse.set_entry_id(entry_id);
    reverse.set_reason("成绩录入错误");
    return fixture_.core().ReverseEntry(reverse);
  }

  api::IssueTranscriptRequest Request(const std::string& request_id,
                                      const std::vector<uint64_t>& ids) {
    api::IssueTranscriptRequest request;
    request.set_request_id(request_id);
    request.set_account_number(account_);
    for (uint64_t id : ids) request.add_entry_ids(id);
    request.set_show_name(true);
    return request;
  }

  // The offline verifier's report with what the engine publishes now.
  transcripts::VerificationReport Verify(const api::Transcript& transcript) {
    const api::Jwks jwks = *engine_->GetJwks();
    keys_ = *jose::ParseJwks(jwks.json());
    api::GetStatusListRequest list;
    list.set_list(1);
    transcripts::VerificationInputs inputs;
    inputs.keys = &keys_;
    inputs.now = fixture_.clock().Now();
    inputs.status_list_jws = engine_->GetStatusList(list)->jws();
    inputs.pinned_log_key = transcripts::LogKeyFromJwks(jwks.json());
    EXPECT_EQ(inputs.pinned_log_key,
              tlog::FormatNoteVerifierKey(fixture_.core().log().verifier_key()));
    return transcripts::VerifyTranscript(transcript.jws(), inputs);
  }

  CoreFixture fixture_;
  std::unique_ptr<TranscriptsEngine> engine_;
  std::string account_;
  std::string other_;
  std::vector<uint64_t> entries_;
  uint64_t other_entry_ = 0;
  std::vector<jose::PublicJwk> keys_;
};

TEST_F(TranscriptsEngineTest, IssuedTranscriptVerifiesOfflineAndThroughTheService) {
  ASSERT_OK_AND_ASSIGN(const api::Transcript transcript,
                       engine_->Issue(Request("t-1", {entries_[0], entries_[2], entries_[4]})));
  EXPECT_EQ(transcript.number(), 1u);
  EXPECT_EQ(transcript.transcript_id(), "urn:creditbank:transcript:1");
  EXPECT_EQ(transcript.state(), api::TRANSCRIPT_STATE_ACTIVE);
  EXPECT_EQ(transcript.status_list_url(), "https://bank.example.cn/status/1");
  EXPECT_EQ(transcript.status_list_index(), 0u);
  const transcripts::VerificationReport offline = Verify(transcript);
  EXPECT_TRUE(offline.valid) << transcripts::ReportToJson(offline).dump(1);
  EXPECT_EQ(offline.achievements, 3u);

  Record(account_, 6);  // the log grows: consistency is proven to the new head
  VerificationEngine verifier(*engine_, fixture_.core().log(), fixture_.clock());
  verification::v1::VerifyTranscriptRequest request;
  request.set_jws(transcript.jws());
  ASSERT_OK_AND_ASSIGN(const verification::v1::VerificationReport online,
                       verifier.Verify(request));
  EXPECT_TRUE(online.valid()) << online.DebugString();
  ASSERT_EQ(online.checks_size(), 9);
  EXPECT_EQ(online.checks(8).name(), "consistency");
  EXPECT_EQ(online.checks(8).outcome(), verification::v1::CHECK_OUTCOME_PASSED);
  EXPECT_GT(online.latest_tree_size(), online.checkpoint_tree_size());
}

TEST_F(TranscriptsEngineTest, RetryReturnsTheSameTranscriptAndOtherContentIsRefused) {
  ASSERT_OK_AND_ASSIGN(const api::Transcript first, engine_->Issue(Request("t-1", {entries_[0]})));
  ASSERT_OK_AND_ASSIGN(const api::Transcript again, engine_->Issue(Request("t-1", {entries_[0]})));
  EXPECT_EQ(again.number(), first.number());
  EXPECT_EQ(again.jws(), first.jws());
  const absl::Status reused = engine_->Issue(Request("t-1", {entries_[1]})).status();
  EXPECT_THAT(reused, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(ErrorReason(reused), reason::kRequestIdReused);
  // Any difference counts, not only the entries.
  api::IssueTranscriptRequest renamed = Request("t-1", {entries_[0]});
  renamed.set_show_name(false);
  EXPECT_EQ(ErrorReason(engine_->Issue(renamed).status()), reason::kRequestIdReused);
  api::IssueTranscriptRequest shorter = Request("t-1", {entries_[0]});
  shorter.set_valid_seconds(3600);
  EXPECT_EQ(ErrorReason(engine_->Issue(shorter).status()), reason::kRequestIdReused);
}

TEST_F(TranscriptsEngineTest, VerificationTrustsAKeyRotatedInTheSameSecondAndSeesTheNewOneAtOnce) {
  VerificationEngine verifier(*engine_, fixture_.core().log(), fixture_.clock());
  verification::v1::VerifyTranscriptRequest request;
  ASSERT_OK_AND_ASSIGN(const api::Transcript old, engine_->Issue(Request("t-1", {entries_[0]})));
  request.set_jws(old.jws());
  ASSERT_TRUE(verifier.Verify(request)->valid());  // the key set is now cached
  // Rotated in the very second the old key signed: that transcript stands.
  ASSERT_OK(engine_->RotateSigningKey({}).status());
  EXPECT_TRUE(Verify(old).valid);
  fixture_.clock().Advance(absl::Seconds(1));
  ASSERT_OK_AND_ASSIGN(const api::Transcript fresh, engine_->Issue(Request("t-2", {entries_[1]})));
  request.set_jws(fresh.jws());
  ASSERT_OK_AND_ASSIGN(const verification::v1::VerificationReport report,
                       verifier.Verify(request));
  EXPECT_TRUE(report.valid()) << report.DebugString();  // fetched again for the unknown kid
}

TEST_F(TranscriptsEngineTest, RefusesWhatIsNotTheLearnersLiveAchievement) {
  absl::Status status = engine_->Issue(Request("t-1", {entries_[0], other_entry_})).status();
  EXPECT_EQ(ErrorReason(status), reason::kEntryAccountMismatch);
  EXPECT_THAT(ErrorFields(status), ::testing::ElementsAre("entry_ids[1]"));

  ASSERT_OK_AND_ASSIGN(const ledger::v1::RecordOutcomeResponse reversal, Reverse(entries_[1]));
  status = engine_->Issue(Request("t-2", {entries_[1]})).status();
  EXPECT_EQ(ErrorReason(status), reason::kEntryAlreadyReversed);
  status = engine_->Issue(Request("t-3", {reversal.entry().entry_id()})).status();
  EXPECT_EQ(ErrorReason(status), reason::kEntryNotTranscribable);
  status = engine_->Issue(Request("t-4", {entries_[0], 999})).status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(ErrorReason(status), reason::kEntryNotFound);
  EXPECT_THAT(ErrorFields(status), ::testing::ElementsAre("entry_ids[1]"));

  api::IssueTranscriptRequest bad = Request("", {entries_[0], entries_[0]});
  bad.set_valid_seconds(-1);
  status = engine_->Issue(bad).status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ErrorFields(status),
              ::testing::UnorderedElementsAre("request_id", "entry_ids[1]", "valid_seconds"));
  // Nothing refused was stored.
  ASSERT_OK_AND_ASSIGN(const api::Transcript first, engine_->Issue(Request("t-5", {entries_[0]})));
  api::ListTranscriptsRequest list;
  list.set_account_number(account_);
  EXPECT_EQ(engine_->List(list)->transcripts_size(), 1);
  EXPECT_EQ(first.state(), api::TRANSCRIPT_STATE_ACTIVE);
}

// A programme of the college: C1 and C2 major courses, C3 and C9 general
// ones, 3 credits each (the fixture's course entries are worth 3).
programmes_api::Programme NetworkProgramme() {
  programmes_api::Programme programme;
  programme.set_id("CQGC-NET-2026");
  programme.set_institution_code(kInstitution);
  programme.set_title("计算机网络技术");
  programme.set_framework_level(5);
  programme.set_required_credits_milli(12'000);
  for (const auto& [code, min] : {std::pair{"MAJOR", 6'000}, std::pair{"GEN", 3'000}}) {
    programmes_api::Category* category = programme.add_categories();
    category->set_code(code);
    category->set_name(code);
    category->set_min_credits_milli(min);
  }
  for (const auto& [code, category] : {std::pair{"C1", "MAJOR"}, std::pair{"C2", "MAJOR"},
                                       std::pair{"C3", "GEN"}, std::pair{"C9", "GEN"}}) {
    programmes_api::Course* course = programme.add_courses();
    course->set_code(code);
    course->set_title(code);
    course->set_category(category);
    course->set_credits_milli(3'000);
  }
  return programme;
}

TEST_F(TranscriptsEngineTest, IssuesOverAProgrammesProgressWithTheEntriesThatCount) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<rules::RulesEngine> rules,
                       rules::RulesEngine::Open(fixture_.core(), fixture_.core(),
                                                fixture_.clock()));
  programmes_api::PutProgrammeRequest put;
  *put.mutable_programme() = NetworkProgramme();
  ASSERT_OK(rules->PutProgramme(put).status());
  ProgrammeSourceFor<rules::RulesEngine> programmes(*rules);
  engine_.reset();
  ASSERT_OK_AND_ASSIGN(engine_, TranscriptsEngine::Open(
                                    fixture_.core(), fixture_.core(), fixture_.core().log(),
                                    fixture_.core().transcript_key_encryption_key(), kConfig,
                                    fixture_.clock(), &programmes));

  api::IssueTranscriptRequest request = Request("p-1", {});
  request.set_programme_id("CQGC-NET-2026");
  ASSERT_OK_AND_ASSIGN(const api::Transcript transcript, engine_->Issue(request));
  // C1, C2 and C3 count; C4 and C5 are not the programme's courses.
  EXPECT_THAT(transcript.entry_ids(),
              ::testing::ElementsAre(entries_[0], entries_[1], entries_[2]));
  EXPECT_EQ(transcript.programme_id(), "CQGC-NET-2026");
  const transcripts::VerificationReport report = Verify(transcript);
  EXPECT_TRUE(report.valid) << transcripts::ReportToJson(report).dump(1);
  EXPECT_EQ(report.achievements, 3u);

  ASSERT_OK_AND_ASSIGN(const jose::ParsedJws parsed, jose::ParseCompactJws(transcript.jws()));
  const nlohmann::json payload = nlohmann::json::parse(parsed.payload);
  const nlohmann::json& shown = payload["credentialSubject"]["programmeProgress"];
  EXPECT_EQ(shown["programmeId"], "CQGC-NET-2026");
  EXPECT_EQ(shown["title"], "计算机网络技术");
  EXPECT_EQ(shown["institution"]["id"], absl::StrCat("urn:creditbank:institution:", kInstitution));
  EXPECT_EQ(shown["requiredCredits"], 12.0);
  EXPECT_EQ(shown["earnedCredits"], 9.0);
  EXPECT_EQ(shown["missingCredits"], 3.0);
  EXPECT_EQ(shown["requirementsMet"], false);
  EXPECT_EQ(shown["categories"][0]["category"], "MAJOR");
  EXPECT_EQ(shown["categories"][0]["earnedCredits"], 6.0);
  double shown_sum = 0;
  for (const nlohmann::json& achievement : payload["credentialSubject"]["achievement"]) {
    shown_sum += achievement["creditsEarned"].get<double>();
  }
  EXPECT_EQ(shown_sum, shown["earnedCredits"].get<double>() +
                           shown["convertedCredits"].get<double>());

  // A retry is the same transcript even after progress moved on.
  Record(account_, 9);
  ASSERT_OK_AND_ASSIGN(const api::Transcript again, engine_->Issue(request));
  EXPECT_EQ(again.jws(), transcript.jws());
  request.set_request_id("p-2");
  ASSERT_OK_AND_ASSIGN(const api::Transcript later, engine_->Issue(request));
  EXPECT_EQ(later.entry_ids_size(), 4);

  // Refusals, each naming programme_id.
  api::IssueTranscriptRequest both = Request("p-3", {entries_[0]});
  both.set_programme_id("CQGC-NET-2026");
  EXPECT_THAT(ErrorFields(engine_->Issue(both).status()), ::testing::ElementsAre("entry_ids"));
  api::IssueTranscriptRequest unknown = Request("p-4", {});
  unknown.set_programme_id("NO-SUCH-PROGRAMME");
  absl::Status status = engine_->Issue(unknown).status();
  EXPECT_EQ(ErrorReason(status), reason::kProgrammeNotFound);
  EXPECT_THAT(ErrorFields(status), ::testing::ElementsAre("programme_id"));
  api::IssueTranscriptRequest empty = Request("p-5", {});
  empty.set_account_number(fixture_.OpenAccount(3));
  empty.set_programme_id("CQGC-NET-2026");
  status = engine_->Issue(empty).status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ErrorReason(status), reason::kNothingCounted);

  // Without a rules service, a clear refusal (a stored request id still
  // replays: that needs no rules).
  engine_.reset();
  Open();
  EXPECT_OK(engine_->Issue(request).status());
  request.set_request_id("p-6");
  status = engine_->Issue(request).status();
  EXPECT_EQ(ErrorReason(status), reason::kRulesServiceMissing);
  EXPECT_THAT(ErrorFields(status), ::testing::ElementsAre("programme_id"));
}

TEST_F(TranscriptsEngineTest, RevocationSetsTheStatusListBit) {
  ASSERT_OK_AND_ASSIGN(const api::Transcript kept, engine_->Issue(Request("t-1", {entries_[0]})));
  ASSERT_OK_AND_ASSIGN(const api::Transcript revoked,
                       engine_->Issue(Request("t-2", {entries_[1]})));
  api::RevokeTranscriptRequest revoke;
  revoke.set_number(revoked.number());
  revoke.set_reason("学习者申请撤销");
  ASSERT_OK_AND_ASSIGN(const api::Transcript after, engine_->Revoke(revoke));
  EXPECT_EQ(after.state(), api::TRANSCRIPT_STATE_REVOKED);
  EXPECT_EQ(after.revocation_reason(), "学习者申请撤销");
  ASSERT_OK_AND_ASSIGN(const api::Transcript twice, engine_->Revoke(revoke));
  EXPECT_EQ(twice.revoked_at().seconds(), after.revoked_at().seconds());

  EXPECT_EQ(Verify(revoked).status, "revoked");
  EXPECT_FALSE(Verify(revoked).valid);
  EXPECT_EQ(Verify(kept).status, "active");
  revoke.set_number(99);
  EXPECT_EQ(ErrorReason(engine_->Revoke(revoke).status()), reason::kTranscriptNotFound);
  revoke.set_reason("");
  EXPECT_THAT(engine_->Revoke(revoke), StatusIs(absl::StatusCode::kInvalidArgument));
  api::GetStatusListRequest list;
  list.set_list(2);
  EXPECT_EQ(ErrorReason(engine_->GetStatusList(list).status()), reason::kStatusListNotFound);
}

TEST_F(TranscriptsEngineTest, RotationSignsWithTheNewKeyAndOldTranscriptsStillVerify) {
  ASSERT_OK_AND_ASSIGN(const api::Transcript old, engine_->Issue(Request("t-1", {entries_[0]})));
  fixture_.clock().Advance(absl::Hours(24));
  api::RotateSigningKeyRequest rotate;
  rotate.set_algorithm(api::SIGNING_ALGORITHM_EDDSA);
  ASSERT_OK_AND_ASSIGN(const api::Jwks jwks, engine_->RotateSigningKey(rotate));
  EXPECT_NE(jwks.current_key_id(), old.key_id());
  EXPECT_TRUE(absl::StartsWith(jwks.current_key_id(), "eddsa-"));
  ASSERT_OK_AND_ASSIGN(const std::vector<jose::PublicJwk> keys, jose::ParseJwks(jwks.json()));
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_TRUE(keys[0].retired_at_unix_seconds.has_value());
  EXPECT_FALSE(keys[1].retired_at_unix_seconds.has_value());

  ASSERT_OK_AND_ASSIGN(const api::Transcript fresh, engine_->Issue(Request("t-2", {entries_[1]})));
  EXPECT_EQ(fresh.key_id(), jwks.current_key_id());
  const transcripts::VerificationReport old_report = Verify(old);
  EXPECT_TRUE(old_report.valid) << transcripts::ReportToJson(old_report).dump(1);
  EXPECT_TRUE(old_report.key_retired);
  EXPECT_TRUE(Verify(fresh).valid);

  // The keys and the numbering survive a restart.
  engine_.reset();
  fixture_.Restart();
  Open();
  EXPECT_EQ(engine_->GetJwks()->json(), jwks.json());
  ASSERT_OK_AND_ASSIGN(const api::Transcript third, engine_->Issue(Request("t-3", {entries_[2]})));
  EXPECT_EQ(third.number(), 3u);
  EXPECT_EQ(third.key_id(), jwks.current_key_id());
}

TEST_F(TranscriptsEngineTest, SigningKeysAreSealedAtRest) {
  const api::Jwks jwks = *engine_->GetJwks();
  std::string stored;
  std::unique_ptr<storage::Cursor> cursor = fixture_.core().store().Scan(
      storage::Table::kTranscripts, "k/", storage::PrefixUpperBound("k/"));
  for (; cursor->Valid(); cursor->Next()) stored += std::string(cursor->value());
  ASSERT_FALSE(stored.empty());
  EXPECT_FALSE(absl::StrContains(stored, "PRIVATE KEY"));
  // Another key file's key-encryption key cannot open them.
  engine_.reset();
  absl::StatusOr<std::unique_ptr<TranscriptsEngine>> wrong =
      TranscriptsEngine::Open(fixture_.core(), fixture_.core(), fixture_.core().log(),
                              std::string(32, 'w'), kConfig, fixture_.clock());
  EXPECT_THAT(wrong, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(wrong.status().message(), HasSubstr("transcript_key_encryption_key"));
}

TEST_F(TranscriptsEngineTest, AStoredKeyWhoseRetirementWasErasedDoesNotOpen) {
  ASSERT_OK(engine_->RotateSigningKey({}).status());
  std::string key;
  storage::v1::TranscriptKeyRecord retired;
  std::unique_ptr<storage::Cursor> cursor = fixture_.core().store().Scan(
      storage::Table::kTranscripts, "k/", storage::PrefixUpperBound("k/"));
  for (; cursor->Valid(); cursor->Next()) {
    storage::v1::TranscriptKeyRecord record;
    ASSERT_TRUE(record.ParseFromString(std::string(cursor->value())));
    if (record.has_retired_at()) {
      key = std::string(cursor->key());
      retired = record;
    }
  }
  ASSERT_FALSE(key.empty());
  retired.clear_retired_at();  // the old key made current again, on disk
  RowsCommand rewrite([&](UnitOfWork& work) {
    PutMessage(work, storage::Table::kTranscripts, key, retired);
    return absl::OkStatus();
  });
  ASSERT_OK(fixture_.core().Execute(rewrite));
  engine_.reset();
  EXPECT_THAT(TranscriptsEngine::Open(fixture_.core(), fixture_.core(), fixture_.core().log(),
                                      fixture_.core().transcript_key_encryption_key(), kConfig,
                                      fixture_.clock()),
              StatusIs(absl::StatusCode::kDataLoss));
}

TEST_F(TranscriptsEngineTest, ReviewFlagsTranscriptsWhoseEntryWasReversed) {
  ASSERT_OK_AND_ASSIGN(const api::Transcript held,
                       engine_->Issue(Request("t-1", {entries_[0], entries_[1]})));
  ASSERT_OK_AND_ASSIGN(const api::Transcript untouched,
                       engine_->Issue(Request("t-2", {entries_[2]})));
  EXPECT_EQ(*engine_->ReviewReversals(), 0u);
  ASSERT_OK(Reverse(entries_[1]).status());
  EXPECT_EQ(*engine_->ReviewReversals(), 1u);
  EXPECT_EQ(*engine_->ReviewReversals(), 0u);  // flagged once
  ASSERT_OK_AND_ASSIGN(const api::Transcript flagged, engine_->Get(held.number()));
  EXPECT_TRUE(flagged.needs_review());
  EXPECT_THAT(flagged.reversed_entry_ids(), ::testing::ElementsAre(entries_[1]));
  EXPECT_FALSE(engine_->Get(untouched.number())->needs_review());
}

TEST_F(TranscriptsEngineTest, ListsAnAccountsTranscriptsPageByPage) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK(engine_->Issue(Request(absl::StrCat("t-", i), {entries_[i]})).status());
  }
  api::ListTranscriptsRequest request;
  request.set_account_number(account_);
  request.set_page_size(2);
  ASSERT_OK_AND_ASSIGN(const api::ListTranscriptsResponse first, engine_->List(request));
  ASSERT_EQ(first.transcripts_size(), 2);
  EXPECT_EQ(first.transcripts(0).number(), 1u);
  ASSERT_FALSE(first.next_page_token().empty());
  request.set_page_token(first.next_page_token());
  ASSERT_OK_AND_ASSIGN(const api::ListTranscriptsResponse second, engine_->List(request));
  ASSERT_EQ(second.transcripts_size(), 1);
  EXPECT_EQ(second.transcripts(0).number(), 3u);
  EXPECT_TRUE(second.next_page_token().empty());
  request.set_account_number(other_);
  EXPECT_THAT(engine_->List(request), StatusIs(absl::StatusCode::kInvalidArgument));  // token
}

}  // namespace
}  // namespace creditbank::domain
