// Core accounts: one account per person (resident ID or passport, lower-case
// x normalised), personal details encrypted at rest and read back, key
// rotation, and the active / frozen / closed transitions.
#include <sys/stat.h>

#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "domain/core.h"
#include "domain/crypto/key_ring.h"
#include "domain/validation/dates.h"
#include "domain/validation/identity.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "tests/testing/error_matchers.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/requests.h"

namespace creditbank::domain {
namespace {

using ::creditbank::testing::AccountByNumber;
using ::creditbank::testing::AccountByResidentId;
using ::creditbank::testing::CoreFixture;
using ::creditbank::testing::CourseOutcome;
using ::creditbank::testing::FixtureNow;
using ::creditbank::testing::HasField;
using ::creditbank::testing::HasReason;
using ::creditbank::testing::IsOk;
using ::creditbank::testing::OpenRequest;
using ::creditbank::testing::RecordRequest;
using ::creditbank::testing::ResidentId;
using ::creditbank::testing::ResidentIdWithWrongCheck;
using ::creditbank::testing::ReverseRequest;
using ::creditbank::testing::StatusIs;
using ::creditbank::testing::StatusRequest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

accounts::v1::OpenAccountRequest FullRequest(const std::string& resident_id) {
  accounts::v1::OpenAccountRequest request = OpenRequest(resident_id, "欧阳娜娜");
  request.mutable_details()->set_phone("+8613912345678");
  request.mutable_details()->set_email("ouyang.nana@example.cn");
  return request;
}

accounts::v1::OpenAccountRequest PassportRequest(const std::string& type,
                                                 const std::string& country,
                                                 const std::string& number,
                                                 const std::string& name = "Anna Schmidt") {
  accounts::v1::OpenAccountRequest request;
  accounts::v1::Passport* passport = request.mutable_identity()->mutable_passport();
  passport->set_type(type);
  passport->set_country(country);
  passport->set_number(number);
  request.mutable_details()->set_name(name);
  return request;
}

TEST(CoreAccountsTest, OpenCreatesAnActiveAccountWithDetails) {
  CoreFixture fixture;
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse opened,
                       fixture.core().OpenAccount(FullRequest(ResidentId(1))));
  EXPECT_TRUE(opened.created());
  const accounts::v1::Account& account = opened.account();
  EXPECT_EQ(CheckAccountNumber(account.account_number()), "") << account.account_number();
  EXPECT_EQ(account.status(), accounts::v1::ACCOUNT_STATUS_ACTIVE);
  EXPECT_EQ(FromTimestamp(account.opened_at()), FixtureNow());
  EXPECT_EQ(account.details().name(), "欧阳娜娜");
  EXPECT_EQ(account.details().phone(), "+8613912345678");
  EXPECT_EQ(account.details().email(), "ouyang.nana@example.cn");
  EXPECT_EQ(account.status_history_size(), 0);
}

TEST(CoreAccountsTest, OpeningTwiceReturnsTheFirstAccountUnchanged) {
  CoreFixture fixture;
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse first,
                       fixture.core().OpenAccount(OpenRequest(ResidentId(2), "王芳")));
  fixture.clock().Advance(absl::Hours(24));
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse second,
                       fixture.core().OpenAccount(OpenRequest(ResidentId(2), "王芳芳")));
  EXPECT_FALSE(second.created());
  EXPECT_EQ(second.account().account_number(), first.account().account_number());
  EXPECT_EQ(second.account().details().name(), "王芳");  // the new name is not applied
  EXPECT_EQ(FromTimestamp(second.account().opened_at()), FixtureNow());
}

TEST(CoreAccountsTest, DifferentPeopleGetDifferentAccounts) {
  CoreFixture fixture;
  std::set<std::string> numbers;
  for (int n = 0; n < 20; ++n) numbers.insert(fixture.OpenAccount(n, "学员"));
  EXPECT_EQ(numbers.size(), 20u);
  EXPECT_FALSE(numbers.contains(""));
}

TEST(CoreAccountsTest, LowerCaseXFindsTheSameAccount) {
  CoreFixture fixture;
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse lower,
                       fixture.core().OpenAccount(OpenRequest("11010519491231002x", "赵敏")));
  EXPECT_TRUE(lower.created());
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse upper,
                       fixture.core().OpenAccount(OpenRequest("11010519491231002X", "赵敏")));
  EXPECT_FALSE(upper.created());
  EXPECT_EQ(upper.account().account_number(), lower.account().account_number());
  ASSERT_OK_AND_ASSIGN(accounts::v1::Account found,
                       fixture.core().GetAccount(AccountByResidentId("11010519491231002x")));
  EXPECT_EQ(found.account_number(), lower.account().account_number());
}

TEST(CoreAccountsTest, PassportsAreNormalisedAndIdempotent) {
  CoreFixture fixture;
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse first,
                       fixture.core().OpenAccount(PassportRequest("p", "deu", "c01x00t47")));
  EXPECT_TRUE(first.created());
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse again,
                       fixture.core().OpenAccount(PassportRequest("P", "DEU", "C01X00T47")));
  EXPECT_FALSE(again.created());
  EXPECT_EQ(again.account().account_number(), first.account().account_number());
  // The same number from another country is another person.
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse other,
                       fixture.core().OpenAccount(PassportRequest("P", "AUT", "C01X00T47")));
  EXPECT_TRUE(other.created());
  EXPECT_NE(other.account().account_number(), first.account().account_number());
}

TEST(CoreAccountsTest, PassportAndResidentIdWithTheSameCharactersDiffer) {
  CoreFixture fixture;
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse resident,
                       fixture.core().OpenAccount(OpenRequest("500103199003071239", "刘洋")));
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse passport, fixture.core().OpenAccount(
      PassportRequest("P", "CHN", "500103199003071239", "刘洋")));
  EXPECT_TRUE(passport.created());
  EXPECT_NE(passport.account().account_number(), resident.account().account_number());
}

TEST(CoreAccountsTest, InvalidRequestsNameEveryBadFieldAndWriteNothing) {
  CoreFixture fixture;
  struct Case {
    std::string name;
    accounts::v1::OpenAccountRequest request;
    std::vector<std::string> fields;
  };
  accounts::v1::OpenAccountRequest everything = OpenRequest(ResidentIdWithWrongCheck(3), "");
  everything.mutable_details()->set_phone("138-0013-8000");
  everything.mutable_details()->set_email("zhang@wei@example.cn");
  accounts::v1::OpenAccountRequest no_identity;
  no_identity.mutable_details()->set_name("张伟");
  const std::vector<Case> cases = {
      {"wrong check character", OpenRequest(ResidentIdWithWrongCheck(3)),
       {"identity.resident_id"}},
      {"17 characters", OpenRequest(ResidentId(3).substr(0, 17)), {"identity.resident_id"}},
      {"no identity", no_identity, {"identity"}},
      {"bad passport", PassportRequest("P", "DE", "C01X00T47"), {"identity.passport.country"}},
      {"no name", OpenRequest(ResidentId(3), ""), {"details.name"}},
      {"everything", everything,
       {"identity.resident_id", "details.name", "details.phone", "details.email"}},
  };
  for (const Case& c : cases) {
    absl::StatusOr<accounts::v1::OpenAccountResponse> opened =
        fixture.core().OpenAccount(c.request);
    EXPECT_EQ(opened.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_EQ(ErrorFields(opened.status()), c.fields) << c.name;
    EXPECT_THAT(opened, HasReason("INVALID_FIELD")) << c.name;
  }
  EXPECT_THAT(fixture.core().GetAccount(AccountByResidentId(ResidentId(3))),
              StatusIs(absl::StatusCode::kNotFound, HasField("identity")));
  EXPECT_EQ(fixture.core().sequencer_stats().commands_applied, 0u);
}

TEST(CoreAccountsTest, GetAccountByNumberOrIdentity) {
  CoreFixture fixture;
  const std::string number = fixture.OpenAccount(4, "孙丽");
  ASSERT_OK_AND_ASSIGN(accounts::v1::Account by_number,
                       fixture.core().GetAccount(AccountByNumber(number)));
  EXPECT_EQ(by_number.details().name(), "孙丽");
  ASSERT_OK_AND_ASSIGN(accounts::v1::Account by_identity,
                       fixture.core().GetAccount(AccountByResidentId(ResidentId(4))));
  EXPECT_EQ(by_identity.account_number(), number);
  EXPECT_EQ(by_identity.details().name(), "孙丽");
}

TEST(CoreAccountsTest, GetAccountErrors) {
  CoreFixture fixture;
  fixture.OpenAccount(5);
  EXPECT_THAT(fixture.core().GetAccount(AccountByNumber("6217000000000014")),
              StatusIs(absl::StatusCode::kNotFound, HasField("account_number")));
  EXPECT_THAT(fixture.core().GetAccount(AccountByNumber("6217000000000014")),
              HasReason("ACCOUNT_NOT_FOUND"));
  EXPECT_THAT(fixture.core().GetAccount(AccountByNumber("6217000000000015")),
              StatusIs(absl::StatusCode::kInvalidArgument, HasField("account_number")));
  EXPECT_THAT(fixture.core().GetAccount(AccountByResidentId(ResidentId(6))),
              StatusIs(absl::StatusCode::kNotFound, HasField("identity")));
  EXPECT_THAT(fixture.core().GetAccount(AccountByResidentId(ResidentIdWithWrongCheck(5))),
              StatusIs(absl::StatusCode::kInvalidArgument, HasField("identity.resident_id")));
  EXPECT_THAT(fixture.core().GetAccount(accounts::v1::GetAccountRequest()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasField("key")));
}

TEST(CoreAccountsTest, PersonalDataIsNeverStoredInTheClear) {
  CoreFixture fixture;
  const std::string resident_id = "11010519491231002X";
  accounts::v1::OpenAccountRequest request = OpenRequest(resident_id, "欧阳娜娜");
  request.mutable_details()->set_phone("13912345678");
  request.mutable_details()->set_email("ouyang.nana@example.cn");
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse opened,
                       fixture.core().OpenAccount(request));
  fixture.Close();

  storage::StoreOptions options;
  options.path = fixture.data_dir();
  options.read_only = true;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<storage::Store> store, storage::Store::Open(options));
  size_t rows = 0;
  for (int t = 0; t < storage::kTableCount; ++t) {
    std::unique_ptr<storage::Cursor> cursor =
        store->Scan(static_cast<storage::Table>(t), "", "");
    for (; cursor->Valid(); cursor->Next()) {
      ++rows;
      const std::string row = absl::StrCat(cursor->key(), "|", cursor->value());
      for (const std::string& secret :
           {resident_id, std::string("1101051949"), std::string("欧阳娜娜"),
            std::string("13912345678"), std::string("ouyang.nana")}) {
        EXPECT_EQ(row.find(secret), std::string::npos)
            << secret << " in table " << storage::kTableNames[t];
      }
    }
  }
  EXPECT_GE(rows, 3u);  // account, identity index, sequencer state

  // The stored record holds the details only as ciphertext under key 1.
  const uint64_t number = *ParseAccountNumber(opened.account().account_number());
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> bytes,
                       store->Get(storage::Table::kAccounts, storage::AccountKey(number)));
  ASSERT_TRUE(bytes.has_value());
  storage::v1::AccountRecord record;
  ASSERT_TRUE(record.ParseFromString(*bytes));
  EXPECT_EQ(record.details().key_id(), 1u);
  EXPECT_EQ(record.details().nonce().size(), 12u);
  EXPECT_EQ(record.identity_hmac().size(), 32u);
}

TEST(CoreAccountsTest, DetailsSurviveARestart) {
  CoreFixture fixture;
  const std::string number = fixture.OpenAccount(7, "周杰");
  fixture.Restart();
  ASSERT_OK_AND_ASSIGN(accounts::v1::Account account,
                       fixture.core().GetAccount(AccountByNumber(number)));
  EXPECT_EQ(account.details().name(), "周杰");
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse again,
                       fixture.core().OpenAccount(OpenRequest(ResidentId(7), "周杰")));
  EXPECT_FALSE(again.created());
  EXPECT_EQ(again.account().account_number(), number);
}

void WriteKeyFile(const std::string& path, const KeyRing& ring) {
  std::string keys;
  for (const auto& [id, key] : ring.pii_keys) {
    if (!keys.empty()) keys += ", ";
    absl::StrAppend(&keys, R"({"id": )", id, R"(, "key": ")", absl::Base64Escape(key), R"("})");
  }
  {
    std::ofstream out(path, std::ios::trunc);
    out << R"({"format": "creditbank-keys-v1", "identity_hmac_secret": ")"
        << absl::Base64Escape(ring.identity_hmac_secret) << R"(", "pii_keys": [)" << keys
        << R"(], "active_pii_key_id": )" << ring.active_pii_key_id << "}";
  }
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
}

TEST(CoreAccountsTest, RotatedKeysKeepOldDetailsReadable) {
  CoreFixture fixture;
  const std::string old_account = fixture.OpenAccount(8, "吴磊");
  fixture.Close();
  ASSERT_OK_AND_ASSIGN(KeyRing ring, LoadOrCreateKeyRing(fixture.key_file()));
  ring.pii_keys[2] = std::string(32, '\x22');
  ring.active_pii_key_id = 2;
  WriteKeyFile(fixture.key_file(), ring);
  fixture.Restart();

  const std::string new_account = fixture.OpenAccount(9, "郑爽");
  ASSERT_OK_AND_ASSIGN(accounts::v1::Account old_view,
                       fixture.core().GetAccount(AccountByNumber(old_account)));
  EXPECT_EQ(old_view.details().name(), "吴磊");
  ASSERT_OK_AND_ASSIGN(accounts::v1::Account new_view,
                       fixture.core().GetAccount(AccountByNumber(new_account)));
  EXPECT_EQ(new_view.details().name(), "郑爽");
  ASSERT_OK_AND_ASSIGN(
      std::optional<std::string> bytes,
      fixture.core().store().Get(storage::Table::kAccounts,
                                 storage::AccountKey(*ParseAccountNumber(new_account))));
  storage::v1::AccountRecord record;
  ASSERT_TRUE(bytes.has_value() && record.ParseFromString(*bytes));
  EXPECT_EQ(record.details().key_id(), 2u);

  // Dropping key 1 makes the old details unreadable, and says why.
  fixture.Close();
  ring.pii_keys.erase(1);
  WriteKeyFile(fixture.key_file(), ring);
  fixture.Restart();
  absl::StatusOr<accounts::v1::Account> lost =
      fixture.core().GetAccount(AccountByNumber(old_account));
  EXPECT_THAT(lost, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(lost.status().message()), HasSubstr("sealed with key 1"));
  EXPECT_THAT(fixture.core().GetAccount(AccountByNumber(new_account)), IsOk());
}

enum class Op { kFreeze, kUnfreeze, kClose };

struct TransitionStep {
  Op op;
  accounts::v1::AccountStatus status;  // the status afterwards
  int history;                         // status_history entries afterwards
  absl::StatusCode code = absl::StatusCode::kOk;
};

absl::StatusOr<accounts::v1::Account> Apply(Core& core, Op op, const std::string& account,
                                            const std::string& reason) {
  switch (op) {
    case Op::kFreeze: return core.FreezeAccount(StatusRequest(account, reason));
    case Op::kUnfreeze: return core.UnfreezeAccount(StatusRequest(account, reason));
    case Op::kClose: return core.CloseAccount(StatusRequest(account, reason));
  }
  return absl::InternalError("unreachable");
}

TEST(CoreAccountsTest, StatusTransitions) {
  using accounts::v1::ACCOUNT_STATUS_ACTIVE;
  using accounts::v1::ACCOUNT_STATUS_CLOSED;
  using accounts::v1::ACCOUNT_STATUS_FROZEN;
  const std::vector<TransitionStep> steps = {
      {Op::kUnfreeze, ACCOUNT_STATUS_ACTIVE, 0},  // already active: nothing changes
      {Op::kFreeze, ACCOUNT_STATUS_FROZEN, 1},
      {Op::kFreeze, ACCOUNT_STATUS_FROZEN, 1},    // repeat is harmless
      {Op::kUnfreeze, ACCOUNT_STATUS_ACTIVE, 2},
      {Op::kFreeze, ACCOUNT_STATUS_FROZEN, 3},
      {Op::kClose, ACCOUNT_STATUS_CLOSED, 4},     // frozen -> closed
      {Op::kClose, ACCOUNT_STATUS_CLOSED, 4},
      {Op::kFreeze, ACCOUNT_STATUS_CLOSED, 4, absl::StatusCode::kFailedPrecondition},
      {Op::kUnfreeze, ACCOUNT_STATUS_CLOSED, 4, absl::StatusCode::kFailedPrecondition},
  };
  CoreFixture fixture;
  const std::string account = fixture.OpenAccount(10, "钱进");
  for (size_t i = 0; i < steps.size(); ++i) {
    const TransitionStep& step = steps[i];
    SCOPED_TRACE(absl::StrCat("step ", i));
    fixture.clock().Advance(absl::Minutes(1));
    absl::StatusOr<accounts::v1::Account> result =
        Apply(fixture.core(), step.op, account, absl::StrCat("第", i, "步"));
    if (step.code != absl::StatusCode::kOk) {
      EXPECT_THAT(result, StatusIs(step.code, ElementsAre("account_number")));
      EXPECT_THAT(result, HasReason("INVALID_STATUS_TRANSITION"));
    } else {
      ASSERT_THAT(result, IsOk());
      EXPECT_EQ(result->status(), step.status);
    }
    ASSERT_OK_AND_ASSIGN(accounts::v1::Account stored,
                         fixture.core().GetAccount(AccountByNumber(account)));
    EXPECT_EQ(stored.status(), step.status);
    EXPECT_EQ(stored.status_history_size(), step.history);
  }
  ASSERT_OK_AND_ASSIGN(accounts::v1::Account stored,
                       fixture.core().GetAccount(AccountByNumber(account)));
  const accounts::v1::StatusChange& first = stored.status_history(0);
  EXPECT_EQ(first.from(), accounts::v1::ACCOUNT_STATUS_ACTIVE);
  EXPECT_EQ(first.to(), accounts::v1::ACCOUNT_STATUS_FROZEN);
  EXPECT_EQ(first.reason(), "第1步");
  EXPECT_EQ(FromTimestamp(first.changed_at()), FixtureNow() + absl::Minutes(2));
  const accounts::v1::StatusChange& last = stored.status_history(3);
  EXPECT_EQ(last.from(), accounts::v1::ACCOUNT_STATUS_FROZEN);
  EXPECT_EQ(last.to(), accounts::v1::ACCOUNT_STATUS_CLOSED);
  EXPECT_EQ(last.reason(), "第5步");
}

TEST(CoreAccountsTest, StatusChangeRequestErrors) {
  CoreFixture fixture;
  const std::string account = fixture.OpenAccount(11);
  EXPECT_THAT(fixture.core().FreezeAccount(StatusRequest(account, "")),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("reason")));
  EXPECT_THAT(fixture.core().FreezeAccount(StatusRequest("6217000000000015", "挂失")),
              StatusIs(absl::StatusCode::kInvalidArgument, ElementsAre("account_number")));
  EXPECT_THAT(fixture.core().CloseAccount(StatusRequest("", "")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       ElementsAre("account_number", "reason")));
  absl::StatusOr<accounts::v1::Account> missing =
      fixture.core().FreezeAccount(StatusRequest("6217000000000014", "挂失"));
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound, ElementsAre("account_number")));
  EXPECT_THAT(missing, HasReason("ACCOUNT_NOT_FOUND"));
}

TEST(CoreAccountsTest, FrozenAndClosedAccountsTakeNoNewOutcomes) {
  CoreFixture fixture;
  fixture.AccreditedInstitution("4150013588");
  const std::string account = fixture.OpenAccount(12, "冯晓");
  ASSERT_THAT(fixture.core().RecordOutcome(
                  RecordRequest("4150013588", CourseOutcome(account, "before-freeze"))),
              IsOk());
  ASSERT_THAT(fixture.core().FreezeAccount(StatusRequest(account, "学员挂失学习卡")), IsOk());

  absl::StatusOr<ledger::v1::RecordOutcomeResponse> frozen = fixture.core().RecordOutcome(
      RecordRequest("4150013588", CourseOutcome(account, "while-frozen", "ENG201", "大学英语")));
  EXPECT_THAT(frozen, StatusIs(absl::StatusCode::kFailedPrecondition,
                               ElementsAre("outcome.account_number")));
  EXPECT_THAT(frozen, HasReason("ACCOUNT_FROZEN"));
  // A retry of a request recorded before the freeze still replays.
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse replay,
                       fixture.core().RecordOutcome(RecordRequest(
                           "4150013588", CourseOutcome(account, "before-freeze"))));
  EXPECT_TRUE(replay.replayed());
  EXPECT_EQ(replay.entry().entry_id(), 1u);

  ASSERT_THAT(fixture.core().UnfreezeAccount(StatusRequest(account, "学员找回学习卡")), IsOk());
  ASSERT_OK_AND_ASSIGN(
      ledger::v1::RecordOutcomeResponse recorded,
      fixture.core().RecordOutcome(RecordRequest(
          "4150013588", CourseOutcome(account, "while-frozen", "ENG201", "大学英语"))));
  EXPECT_EQ(recorded.entry().entry_id(), 2u);

  ASSERT_THAT(fixture.core().CloseAccount(StatusRequest(account, "学员注销账户")), IsOk());
  EXPECT_THAT(fixture.core().ReverseEntry(ReverseRequest("4150013588", "fix-1", account, 1)),
              HasReason("ACCOUNT_CLOSED"));
  absl::StatusOr<ledger::v1::RecordOutcomeResponse> closed = fixture.core().RecordOutcome(
      RecordRequest("4150013588", CourseOutcome(account, "after-close")));
  EXPECT_THAT(closed, StatusIs(absl::StatusCode::kFailedPrecondition,
                               ElementsAre("outcome.account_number")));
  EXPECT_THAT(closed, HasReason("ACCOUNT_CLOSED"));
  EXPECT_THAT(fixture.core().GetEntry(::creditbank::testing::EntryRequest(3)),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST(CoreAccountsTest, MistakesOnAFrozenAccountCanStillBeReversed) {
  CoreFixture fixture;
  fixture.AccreditedInstitution("4150013588");
  const std::string account = fixture.OpenAccount(14, "卫东");
  ASSERT_THAT(fixture.core().RecordOutcome(
                  RecordRequest("4150013588", CourseOutcome(account, "wrong-grade"))),
              IsOk());
  ASSERT_THAT(fixture.core().FreezeAccount(StatusRequest(account, "成绩复核中")), IsOk());
  ASSERT_OK_AND_ASSIGN(ledger::v1::RecordOutcomeResponse reversal,
                       fixture.core().ReverseEntry(
                           ReverseRequest("4150013588", "fix-1", account, 1)));
  EXPECT_EQ(reversal.entry().reverses_entry_id(), 1u);
  ledger::v1::GetBalancesRequest balances;
  balances.set_account_number(account);
  ASSERT_OK_AND_ASSIGN(ledger::v1::GetBalancesResponse sheet,
                       fixture.core().GetBalances(balances));
  EXPECT_EQ(sheet.total().available_credits_milli(), 0);
}

TEST(CoreAccountsTest, OpeningAgainAfterCloseReturnsTheClosedAccount) {
  CoreFixture fixture;
  const std::string account = fixture.OpenAccount(13, "褚红");
  ASSERT_THAT(fixture.core().CloseAccount(StatusRequest(account, "学员注销账户")), IsOk());
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse again,
                       fixture.core().OpenAccount(OpenRequest(ResidentId(13), "褚红")));
  EXPECT_FALSE(again.created());
  EXPECT_EQ(again.account().account_number(), account);
  EXPECT_EQ(again.account().status(), accounts::v1::ACCOUNT_STATUS_CLOSED);
}

}  // namespace
}  // namespace creditbank::domain
