// Whole cbctl command lines against a real server on 127.0.0.1:0 over a
// RocksDB in a temp directory: every command group, and imports of a
// term-end file (first run, re-run, bad rows).
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "clients/cbctl/cli.h"
#include "clients/cbctl/exit_codes.h"
#include "common/clock.h"
#include "absl/strings/escaping.h"
#include "creditbank/accounts/v1/accounts.pb.h"
#include "creditbank/log/v1/log.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "services/server.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/temp_dir.h"

namespace creditbank::cbctl {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kInstitution[] = "4150013588";
const char* const kTitles[] = {"高等数学（上）", "大学英语, 第二册", "数控车床\"实训\"",
                               "机械制图与CAD", "护理学导论"};

struct Result {
  int exit_code;
  std::string out;
  std::string err;
};

class CliServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    services::ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.data_dir = dir_.File("data");
    options.key_file = dir_.File("keys");
    options.block_cache_bytes = size_t{8} << 20;
    absl::StatusOr<std::unique_ptr<services::CreditBankServer>> server =
        services::CreditBankServer::Start(options, clock_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ASSERT_TRUE(server_->OpenStorage().ok());
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
    ASSERT_EQ(Cbctl({"institution", "register", "--code", kInstitution, "--name",
                   "重庆工程职业技术学院", "--sector", "vocational"})
                  .exit_code,
              kExitOk);
    Result accredited = Cbctl({"institution", "accredit", "--code", kInstitution, "--kinds",
                             "course_credit,certificate", "--sectors", "vocational,continuing",
                             "--max-level", "8", "--reason", "渝教职成〔2026〕12号"});
    ASSERT_EQ(accredited.exit_code, kExitOk) << accredited.err;
  }

  std::string OpenAccount(int person) {
    Result opened = Cbctl({"--json", "account", "open", "--resident-id",
                         testing::ResidentId(person), "--name", "王芳"});
    EXPECT_EQ(opened.exit_code, kExitOk) << opened.err;
    accounts::v1::OpenAccountResponse response;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(opened.out, &response).ok())
        << opened.out;
    EXPECT_TRUE(response.created());
    return response.account().account_number();
  }

  std::string WriteFile(const std::string& name, const std::string& bytes) {
    const std::string path = dir_.File(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  // A term-end file: BOM, CRLF, columns out of order, Chinese titles with
  // commas and quotes, half the rows with explicit request ids.
  std::string TermCsv(const std::vector<std::string>& accounts, int rows) {
    std::string csv = "\xEF\xBB\xBFtitle,account_number,kind,code,credits,study_hours,grade,"
                      "framework_level,completion_date,request_id\r\n";
    for (int n = 0; n < rows; ++n) {
      std::string title = kTitles[n % 5];
      std::string quoted = "\"";
      for (char c : title) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      quoted += "\"";
      absl::StrAppend(&csv, quoted, ",", accounts[n % accounts.size()], ",course_credit,C", n,
                      ",", (n % 2 ? "3.5" : "2"), ",32,", (n % 3 ? "85/100" : "优秀"), ",6,",
                      "2025-06-20,", (n % 2 ? "" : absl::StrCat("T2025S2-", n)), "\r\n");
    }
    return csv;
  }

  testing::TempDir dir_;
  RealClock clock_;
  std::unique_ptr<services::CreditBankServer> server_;
};

TEST_F(CliServerTest, InstitutionCommands) {
  SetUpInstitution();
  Result got = Cbctl({"institution", "get", "--code", kInstitution});
  EXPECT_EQ(got.exit_code, kExitOk);
  EXPECT_THAT(got.out, HasSubstr("重庆工程职业技术学院"));
  EXPECT_THAT(got.out, HasSubstr("accredited"));
  EXPECT_THAT(got.out, HasSubstr("course_credit,certificate in vocational,continuing"));

  EXPECT_EQ(Cbctl({"institution", "suspend", "--code", kInstitution, "--reason", "审计"}).exit_code,
            kExitOk);
  Result listed = Cbctl({"institution", "list", "--status", "suspended"});
  EXPECT_THAT(listed.out, HasSubstr(kInstitution));
  EXPECT_EQ(Cbctl({"institution", "reinstate", "--code", kInstitution, "--reason", "审计完成"})
                .exit_code,
            kExitOk);
  EXPECT_THAT(Cbctl({"institution", "list", "--status", "suspended"}).out, Not(HasSubstr(kInstitution)));

  Result missing = Cbctl({"institution", "get", "--code", "9999999999"});
  EXPECT_EQ(missing.exit_code, kExitRefused);
  EXPECT_THAT(missing.err, HasSubstr("cbctl: NOT_FOUND: "));
  EXPECT_THAT(missing.err, HasSubstr("reason: INSTITUTION_NOT_FOUND"));
}

TEST_F(CliServerTest, AccountCommands) {
  const std::string account = OpenAccount(1);
  Result again = Cbctl({"account", "open", "--resident-id", testing::ResidentId(1), "--name", "王芳"});
  EXPECT_THAT(again.out, HasSubstr("already had this account"));
  EXPECT_THAT(again.out, HasSubstr(account));

  Result by_identity = Cbctl({"account", "get", "--resident-id", testing::ResidentId(1)});
  EXPECT_EQ(by_identity.exit_code, kExitOk);
  EXPECT_THAT(by_identity.out, HasSubstr(account));
  EXPECT_THAT(by_identity.out, HasSubstr("王芳"));

  EXPECT_EQ(Cbctl({"account", "freeze", "--account", account, "--reason", "挂失"}).exit_code, kExitOk);
  Result frozen = Cbctl({"account", "get", "--account", account});
  EXPECT_THAT(frozen.out, HasSubstr("frozen"));
  EXPECT_THAT(frozen.out, HasSubstr("挂失"));
  EXPECT_EQ(Cbctl({"account", "unfreeze", "--account", account, "--reason", "找回"}).exit_code,
            kExitOk);
  EXPECT_EQ(Cbctl({"account", "close", "--account", account, "--reason", "注销"}).exit_code, kExitOk);
  EXPECT_THAT(Cbctl({"account", "get", "--account", account}).out, HasSubstr("closed"));

  Result bad_id = Cbctl({"account", "open", "--resident-id", testing::ResidentIdWithWrongCheck(2),
                       "--name", "李强"});
  EXPECT_EQ(bad_id.exit_code, kExitRefused);
  EXPECT_THAT(bad_id.err, HasSubstr("  identity.resident_id: "));
  EXPECT_THAT(bad_id.err, HasSubstr("reason: INVALID_FIELD"));
}

TEST_F(CliServerTest, LedgerCommands) {
  SetUpInstitution();
  const std::string account = OpenAccount(1);
  const std::vector<std::string> record = {
      "ledger", "record", "--institution", kInstitution, "--account", account, "--kind",
      "course_credit", "--code", "MATH101", "--title", "高等数学（上）", "--credits", "3.5",
      "--hours", "56", "--grade", "85/100", "--level", "6", "--completed", "2025-06-20"};
  Result recorded = Cbctl(record);
  ASSERT_EQ(recorded.exit_code, kExitOk) << recorded.err;
  EXPECT_THAT(recorded.out, HasSubstr("(recorded)"));
  EXPECT_THAT(recorded.out, HasSubstr("3.5"));
  // The derived request id makes the same command a retry.
  EXPECT_THAT(Cbctl(record).out, HasSubstr("(already recorded"));

  Result listed = Cbctl({"ledger", "list", "--account", account});
  EXPECT_THAT(listed.out, HasSubstr("高等数学（上）"));
  Result balances = Cbctl({"ledger", "balances", "--account", account});
  EXPECT_THAT(balances.out, HasSubstr("vocational"));
  EXPECT_THAT(balances.out, HasSubstr("3.5"));
  // --json after the command works too.
  Result json = Cbctl({"ledger", "balances", "--account", account, "--json"});
  EXPECT_THAT(json.out, HasSubstr("\"available_credits_milli\":\"3500\""));

  Result reversed = Cbctl({"ledger", "reverse", "--institution", kInstitution, "--account", account,
                         "--entry", "1", "--reason", "成绩录入错误"});
  ASSERT_EQ(reversed.exit_code, kExitOk) << reversed.err;
  EXPECT_THAT(reversed.out, HasSubstr("reverses #1"));
  EXPECT_THAT(Cbctl({"ledger", "get", "--entry", "1"}).out, HasSubstr("reversed by #2"));

  Result outside_scope = Cbctl({"ledger", "record", "--institution", kInstitution, "--account",
                              account, "--kind", "exam", "--code", "E1", "--title", "考试",
                              "--completed", "2025-06-20"});
  EXPECT_EQ(outside_scope.exit_code, kExitRefused);
  EXPECT_THAT(outside_scope.err, HasSubstr("reason: OUTSIDE_ACCREDITATION_SCOPE"));

  Result check = Cbctl({"admin", "check"});
  EXPECT_EQ(check.exit_code, kExitOk);
  EXPECT_THAT(check.out, HasSubstr("consistent"));
}

TEST_F(CliServerTest, ImportThenReRunThenBadRows) {
  SetUpInstitution();
  std::vector<std::string> accounts;
  for (int person = 1; person <= 20; ++person) accounts.push_back(OpenAccount(person));
  const std::string term = WriteFile("term.csv", TermCsv(accounts, 3000));

  Result first = Cbctl({"import", "--institution", kInstitution, "--file", term});
  ASSERT_EQ(first.exit_code, kExitOk) << first.err;
  EXPECT_THAT(first.out, HasSubstr("3000 rows: recorded 3000, already recorded (replayed) 0, failed 0"));
  EXPECT_EQ(first.err, "");  // no progress bar when stderr is not a terminal

  Result again = Cbctl({"import", "--institution", kInstitution, "--file", term, "--batch-size", "1000"});
  ASSERT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_THAT(again.out, HasSubstr("recorded 0, already recorded (replayed) 3000, failed 0"));

  Result balances = Cbctl({"--json", "ledger", "balances", "--account", accounts[0]});
  // Rows 0, 20, 40, ... (150 of them, all even: 2 credits each) went to
  // the first account.
  EXPECT_THAT(balances.out, HasSubstr("\"recorded_credits_milli\":\"300000\""));

  std::string bad = TermCsv(accounts, 5);
  bad += absl::StrCat("学分过多,", accounts[0], ",course_credit,X1,3.1415,1,pass,6,2025-06-20,\r\n");
  bad += absl::StrCat("证书,", accounts[0], ",certificate,X2,1,1,pass,11,2025-06-20,\r\n");
  bad += absl::StrCat("考试,", accounts[0], ",exam,X3,1,1,pass,6,2025-06-20,\r\n");
  const std::string bad_file = WriteFile("bad.csv", bad);
  Result partial = Cbctl({"import", "--institution", kInstitution, "--file", bad_file});
  EXPECT_EQ(partial.exit_code, kExitRowsFailed);
  EXPECT_THAT(partial.out, HasSubstr("8 rows: recorded 0, already recorded (replayed) 5, failed 3"));
  EXPECT_THAT(partial.err, HasSubstr("line 7: credits: has more than 3 decimal places"));
  EXPECT_THAT(partial.err, HasSubstr("line 8: framework_level: "));
  EXPECT_THAT(partial.err, HasSubstr("line 9: kind: "));
  EXPECT_THAT(partial.err, HasSubstr("[OUTSIDE_ACCREDITATION_SCOPE]"));

  Result broken = Cbctl({"import", "--institution", kInstitution, "--file",
                       WriteFile("broken.csv", TermCsv(accounts, 3) + "\"never closed\r\n")});
  EXPECT_EQ(broken.exit_code, kExitUsage);
  EXPECT_THAT(broken.err, HasSubstr("line 5: "));
  EXPECT_THAT(broken.err, HasSubstr("nothing was sent"));

  EXPECT_EQ(Cbctl({"admin", "check"}).exit_code, kExitOk);
}

// The transparency log after an import: the checkpoint's signature, an
// entry's inclusion and an older tree's consistency are checked by cbctl
// itself; a pinned key that is not the log's is refused.
TEST_F(CliServerTest, LogCommandsVerifyWhatTheyPrint) {
  SetUpInstitution();
  const std::vector<std::string> accounts = {OpenAccount(1), OpenAccount(2)};
  ASSERT_EQ(Cbctl({"import", "--institution", kInstitution, "--file",
                   WriteFile("term.csv", TermCsv(accounts, 10))})
                .exit_code,
            kExitOk);
  Result early = Cbctl({"--json", "log", "checkpoint"});
  ASSERT_EQ(early.exit_code, kExitOk) << early.err;
  log::v1::Checkpoint kept;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(early.out, &kept).ok()) << early.out;
  EXPECT_EQ(kept.tree_size(), 10u);
  ASSERT_EQ(Cbctl({"import", "--institution", kInstitution, "--file",
                   WriteFile("more.csv", TermCsv(accounts, 25))})
                .exit_code,
            kExitOk);

  Result head = Cbctl({"log", "checkpoint"});
  ASSERT_EQ(head.exit_code, kExitOk) << head.err;
  EXPECT_THAT(head.out, HasSubstr("tree size  25"));
  EXPECT_THAT(head.out, HasSubstr("(signature verified with the key the server sent"));
  EXPECT_THAT(head.out, HasSubstr("— creditbank.local/log "));
  Result pinned = Cbctl({"log", "--key", kept.verifier_key(), "checkpoint"});
  ASSERT_EQ(pinned.exit_code, kExitOk) << pinned.err;
  EXPECT_THAT(pinned.out, HasSubstr("(signature verified with the pinned --key)"));

  Result proved = Cbctl({"log", "prove", "--entry", "7"});
  ASSERT_EQ(proved.exit_code, kExitOk) << proved.err;
  EXPECT_THAT(proved.out, HasSubstr("(inclusion verified against the signed checkpoint)"));
  EXPECT_THAT(proved.out, HasSubstr(R"("entry_id":7)"));

  Result consistent = Cbctl({"log", "consistency", "--from", "10", "--root",
                             absl::Base64Escape(kept.root_hash())});
  ASSERT_EQ(consistent.exit_code, kExitOk) << consistent.err;
  EXPECT_THAT(consistent.out, HasSubstr("(as given)"));
  EXPECT_THAT(consistent.out, HasSubstr("(consistency verified"));
  // A root the log never had: the proof cannot connect it.
  std::string forged_root = kept.root_hash();
  forged_root[0] ^= 1;
  Result forged = Cbctl({"log", "consistency", "--from", "10", "--root",
                         absl::Base64Escape(forged_root)});
  EXPECT_EQ(forged.exit_code, kExitInconsistent);
  EXPECT_THAT(forged.err, HasSubstr("NOT a prefix"));

  Result wrong_key = Cbctl(
      {"log", "--key",
       "creditbank.local/log+00000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
       "checkpoint"});
  EXPECT_EQ(wrong_key.exit_code, kExitRefused);
  EXPECT_THAT(wrong_key.err, HasSubstr("not the pinned --key"));
  EXPECT_EQ(Cbctl({"log", "prove", "--entry", "26"}).exit_code, kExitRefused);
  EXPECT_EQ(Cbctl({"log", "prove", "--entry", "0"}).exit_code, kExitUsage);
}

TEST_F(CliServerTest, ImportRefusedAsAWholeExitsOne) {
  const std::string account = OpenAccount(1);
  const std::string term = WriteFile("term.csv", TermCsv({account}, 10));
  Result refused = Cbctl({"import", "--institution", kInstitution, "--file", term});
  EXPECT_EQ(refused.exit_code, kExitRefused);
  EXPECT_THAT(refused.err, HasSubstr("reason: INSTITUTION_NOT_FOUND"));
  EXPECT_THAT(refused.err, HasSubstr("No chunk was confirmed committed"));
}

TEST_F(CliServerTest, ImportJsonSummary) {
  SetUpInstitution();
  const std::string account = OpenAccount(1);
  std::string csv = TermCsv({account}, 4);
  csv += absl::StrCat("坏行,", account, ",course_credit,X1,-1,1,pass,6,2025-06-20,\r\n");
  Result result = Cbctl({"--json", "import", "--institution", kInstitution, "--file",
                       WriteFile("term.csv", csv)});
  EXPECT_EQ(result.exit_code, kExitRowsFailed);
  EXPECT_THAT(result.out, HasSubstr("\"recorded\":4"));
  EXPECT_THAT(result.out, HasSubstr("\"failed\":1"));
  EXPECT_THAT(result.out, HasSubstr("{\"column\":\"credits\",\"line\":6,"));
}

}  // namespace
}  // namespace creditbank::cbctl
