// Who may do what, over real mTLS: certificates made by the deploy/tls
// scripts with the real openssl, a TLS server on 127.0.0.1:0, one client
// per role. The matrix below is written out by hand, independently of the
// policy table (domain/auth/policy.cc), so a change to either shows up.
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "creditbank/accounts/v1/accounts.grpc.pb.h"
#include "creditbank/admin/v1/admin.grpc.pb.h"
#include "creditbank/institutions/v1/institutions.grpc.pb.h"
#include "creditbank/ledger/v1/ledger.grpc.pb.h"
#include "domain/auth/policy.h"
#include "domain/errors.h"
#include "domain/tlog/checkpoint.h"
#include "domain/tlog/merkle.h"
#include "domain/transparency_log.h"
#include "domain/validation/dates.h"
#include "services/status_conversion.h"
#include "storage/store.h"
#include "google/protobuf/descriptor.h"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "services/channel_credentials.h"
#include "services/grpc_core_client.h"
#include "services/grpc_log_client.h"
#include "services/grpc_transcripts_client.h"
#include "services/grpc_rules_client.h"
#include "services/server.h"
#include "tests/integration/server_fixture.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace creditbank {
namespace {

using ::testing::HasSubstr;
namespace admin_v1 = ::creditbank::admin::v1;

constexpr char kInstitutionA[] = "CQ-VOC-01";
constexpr char kInstitutionB[] = "CQ-UNI-02";

// Runs a deploy/tls script; aborts the test when it fails.
void RunTlsScript(const std::string& script, const std::string& arguments) {
  const std::string command = absl::StrCat("bash " CREDITBANK_SOURCE_DIR "/deploy/tls/", script,
                                           " ", arguments, " >/dev/null 2>&1");
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
}

// The certificates of one test run: the bank's CA with a server, two
// operators... and a foreign CA with an operator certificate of its own.
struct Certificates {
  testing::TempDir dir;
  std::string bank() const { return dir.File("bank"); }
  std::string foreign() const { return dir.File("foreign"); }

  void Make() {
    RunTlsScript("make-ca.sh", bank());
    RunTlsScript("make-server-cert.sh", absl::StrCat(bank(), " creditbankd"));
    RunTlsScript("make-client-cert.sh", absl::StrCat(bank(), " operator ops-wangfang"));
    RunTlsScript("make-client-cert.sh", absl::StrCat(bank(), " institution ", kInstitutionA));
    RunTlsScript("make-client-cert.sh", absl::StrCat(bank(), " institution ", kInstitutionB));
    RunTlsScript("make-client-cert.sh", absl::StrCat(bank(), " service rules-1"));
    RunTlsScript("make-ca.sh", foreign());
    RunTlsScript("make-client-cert.sh", absl::StrCat(foreign(), " operator ops-wangfang"));
  }
  services::ClientTlsFiles Client(const std::string& name, bool foreign_ca = false) const {
    const std::string dir_path = foreign_ca ? foreign() : bank();
    return {bank() + "/ca.crt", dir_path + "/" + name + ".crt", dir_path + "/" + name + ".key"};
  }
};

enum class Who { kOperator, kInstitutionA, kLearner, kService, kAnonymous };

std::string WhoName(Who who) {
  switch (who) {
    case Who::kOperator: return "operator";
    case Who::kInstitutionA: return "institution";
    case Who::kLearner: return "learner";
    case Who::kService: return "service";
    case Who::kAnonymous: return "anonymous";
  }
  return "?";
}

// One caller's connection: the core's RPCs, the rules service's as
// `rules` and the transparency log's as `log`, on the same channel.
struct TestClient : services::GrpcCoreClient {
  TestClient(std::shared_ptr<grpc::Channel> channel, const std::string& token)
      : services::GrpcCoreClient(channel, absl::Seconds(30), token),
        rules(channel, absl::Seconds(30), token),
        log(channel, absl::Seconds(30), token),
        transcripts(channel, absl::Seconds(30), token) {}
  services::GrpcRulesClient rules;
  services::GrpcLogClient log;
  services::GrpcTranscriptsClient transcripts;  // and verification
};

constexpr char kProgrammeA[] = "CQ-VOC-01-WEB";

class SecurityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certificates_ = new Certificates();
    certificates_->Make();
  }
  static void TearDownTestSuite() {
    delete certificates_;
    certificates_ = nullptr;
  }

  void SetUp() override {
    ASSERT_FALSE(HasFatalFailure());
    options_.listen = "127.0.0.1:0";
    options_.data_dir = dir_.File("data");
    options_.key_file = dir_.File("keys.json");
    options_.backup_dir = dir_.File("backups");
    options_.block_cache_bytes = 8 << 20;
    options_.tls = {certificates_->bank() + "/creditbankd.crt",
                    certificates_->bank() + "/creditbankd.key", certificates_->bank() + "/ca.crt"};
    StartServer();
    operator_ = Client(certificates_->Client("operator-ops-wangfang"));
    institution_a_ = Client(certificates_->Client(absl::StrCat("institution-", kInstitutionA)));
    institution_b_ = Client(certificates_->Client(absl::StrCat("institution-", kInstitutionB)));
    service_ = Client(certificates_->Client("service-rules-1"));
    anonymous_ = Client({certificates_->bank() + "/ca.crt", "", ""});
    SeedBank();
  }

  void TearDown() override { server_.reset(); }

  void StartServer() {
    auto server = services::CreditBankServer::Start(options_, clock_);
    ASSERT_OK(server.status());
    server_ = *std::move(server);
    ASSERT_OK(server_->OpenStorage());
  }

  std::shared_ptr<grpc::Channel> Channel(const services::ClientTlsFiles& files) {
    auto credentials = services::MakeChannelCredentials(files);
    EXPECT_OK(credentials.status());
    grpc::ChannelArguments arguments;
    // The server certificate names localhost and 127.0.0.1.
    return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->port()), *credentials,
                                     arguments);
  }
  std::unique_ptr<TestClient> Client(const services::ClientTlsFiles& files,
                                     const std::string& token = "") {
    return std::make_unique<TestClient>(Channel(files), token);
  }

  // Institutions A and B (operator), learner accounts L1 and L2, one entry
  // by A for L1 and one by B for L2, and a token for L1.
  void SeedBank() {
    for (const char* code : {kInstitutionA, kInstitutionB}) {
      testing::AccreditOverGrpc(*operator_, code);
    }
    ASSERT_OK_AND_ASSIGN(auto l1, operator_->OpenAccount(testing::OpenRequest(testing::ResidentId(1), "李娜")));
    ASSERT_OK_AND_ASSIGN(auto l2, operator_->OpenAccount(testing::OpenRequest(testing::ResidentId(2), "王强")));
    learner_account_ = l1.account().account_number();
    other_account_ = l2.account().account_number();
    ledger::v1::RecordOutcomeRequest by_a;
    *by_a.mutable_outcome() = testing::CourseOutcome(learner_account_, "seed-a");
    ASSERT_OK_AND_ASSIGN(auto a, institution_a_->RecordOutcome(by_a));
    entry_by_a_ = a.entry().entry_id();
    ledger::v1::RecordOutcomeRequest by_b;
    *by_b.mutable_outcome() = testing::CourseOutcome(other_account_, "seed-b");
    ASSERT_OK_AND_ASSIGN(auto b, institution_b_->RecordOutcome(by_b));
    entry_by_b_ = b.entry().entry_id();
    admin_v1::IssueLearnerTokenRequest token_request;
    token_request.set_account_number(learner_account_);
    ASSERT_OK_AND_ASSIGN(auto token, operator_->IssueLearnerToken(token_request));
    token_ = token.token();
    learner_ = Client({certificates_->bank() + "/ca.crt", "", ""}, token_);
    // A programme of institution A with one rule, for the rules RPCs.
    rules::v1::PutProgrammeRequest programme;
    programme.mutable_programme()->set_id(kProgrammeA);
    programme.mutable_programme()->set_institution_code(kInstitutionA);
    programme.mutable_programme()->set_title("Web 前端开发技术");
    programme.mutable_programme()->set_framework_level(5);
    programme.mutable_programme()->set_required_credits_milli(120'000);
    rules::v1::Category* category = programme.mutable_programme()->add_categories();
    category->set_code("MAJOR");
    category->set_min_credits_milli(60'000);
    ASSERT_OK(operator_->rules.PutProgramme(programme).status());
    ASSERT_OK(operator_->rules.ApplyRules(ProgrammeRules()).status());
  }

  static rules::v1::ApplyRulesRequest ProgrammeRules() {
    rules::v1::ApplyRulesRequest request;
    request.set_programme_id(kProgrammeA);
    rules::v1::Rule* rule = request.add_rules();
    rule->set_id("SEED");
    rule->mutable_effective_from()->set_year(2020);
    rule->mutable_effective_from()->set_month(1);
    rule->mutable_effective_from()->set_day(1);
    rule->mutable_source()->mutable_match()->set_code("SEED-COURSE");
    rule->mutable_grant()->set_category("MAJOR");
    rule->mutable_grant()->set_credits_milli(2'000);
    return request;
  }

  TestClient& As(Who who) {
    switch (who) {
      case Who::kOperator: return *operator_;
      case Who::kInstitutionA: return *institution_a_;
      case Who::kLearner: return *learner_;
      case Who::kService: return *service_;
      case Who::kAnonymous: return *anonymous_;
    }
    return *anonymous_;
  }

  inline static Certificates* certificates_ = nullptr;
  testing::TempDir dir_;
  FakeClock clock_{testing::FixtureNow()};
  services::ServerOptions options_;
  std::unique_ptr<services::CreditBankServer> server_;
  std::unique_ptr<TestClient> operator_, institution_a_, institution_b_, service_, anonymous_,
      learner_;
  std::string learner_account_, other_account_, token_;
  uint64_t entry_by_a_ = 0, entry_by_b_ = 0;
};

// One call of the matrix: made by `who` against rows that the caller owns
// where the RPC has row-level rules (the institution's own entries, the
// learner's own account), so that a refusal can only come from the role.
using Call = std::function<absl::Status(TestClient&, int serial)>;

struct MatrixRow {
  std::string method;  // full gRPC method name
  Call call;
  // Expected for operator, institution A, learner L1, service, anonymous:
  // 'Y' allowed (any answer but PERMISSION_DENIED / UNAUTHENTICATED),
  // 'D' PERMISSION_DENIED, 'U' UNAUTHENTICATED.
  std::string expected;
};

// Every RPC of every service creditbankd hosts, from the proto descriptors
// ("/creditbank.ledger.v1.LedgerService/RecordOutcome", ...).
std::set<std::string> HostedMethods() {
  std::set<std::string> hosted;
  for (const char* service : {"creditbank.accounts.v1.AccountService",
                              "creditbank.institutions.v1.InstitutionService",
                              "creditbank.ledger.v1.LedgerService",
                              "creditbank.admin.v1.AdminService",
                              "creditbank.rules.v1.RulesService",
                              "creditbank.log.v1.LogService",
                              "creditbank.transcripts.v1.TranscriptService",
                              "creditbank.verification.v1.VerificationService"}) {
    const google::protobuf::ServiceDescriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service);
    EXPECT_NE(descriptor, nullptr) << service;
    if (descriptor == nullptr) continue;
    for (int m = 0; m < descriptor->method_count(); ++m) {
      hosted.insert(absl::StrCat("/", service, "/", descriptor->method(m)->name()));
    }
  }
  return hosted;
}

rules::v1::GetProgrammeRequest ProgrammeById() {
  rules::v1::GetProgrammeRequest request;
  request.set_programme_id(kProgrammeA);
  return request;
}

rules::v1::DecideConversionRequest Decision() {
  rules::v1::DecideConversionRequest request;
  request.set_conversion_request_id("CR-000001");
  request.set_reason("核验");
  return request;
}

std::string Method(const std::string& service, const std::string& rpc) {
  return absl::StrCat("/creditbank.", service, "/", rpc);
}

TEST_F(SecurityTest, EveryRoleAgainstEveryRpc) {
  const std::string own_account = learner_account_;
  const uint64_t own_entry = entry_by_a_;
  auto account_request = [&](int) {
    accounts::v1::ChangeAccountStatusRequest request;
    request.set_account_number(other_account_);
    request.set_reason("核对身份信息");
    return request;
  };
  auto record_request = [&](int serial) {
    ledger::v1::RecordOutcomeRequest request;
    *request.mutable_outcome() = testing::CourseOutcome(own_account, absl::StrCat("m-", serial));
    return request;
  };
  std::vector<MatrixRow> rows = {
      {Method("accounts.v1.AccountService", "OpenAccount"),
       [](auto& c, int serial) {
         return c.OpenAccount(testing::OpenRequest(testing::ResidentId(100 + serial))).status();
       },
       "YDDDU"},
      {Method("accounts.v1.AccountService", "GetAccount"),
       [&](auto& c, int) {
         accounts::v1::GetAccountRequest request;
         request.set_account_number(own_account);
         return c.GetAccount(request).status();
       },
       "YDYYU"},
      {Method("accounts.v1.AccountService", "FreezeAccount"),
       [&](auto& c, int serial) { return c.FreezeAccount(account_request(serial)).status(); },
       "YDDDU"},
      {Method("accounts.v1.AccountService", "UnfreezeAccount"),
       [&](auto& c, int serial) { return c.UnfreezeAccount(account_request(serial)).status(); },
       "YDDDU"},
      {Method("accounts.v1.AccountService", "CloseAccount"),
       [&](auto& c, int serial) {
         accounts::v1::OpenAccountRequest open = testing::OpenRequest(testing::ResidentId(200 + serial));
         auto opened = operator_->OpenAccount(open);
         accounts::v1::ChangeAccountStatusRequest request;
         request.set_account_number(opened.ok() ? opened->account().account_number() : "");
         request.set_reason("本人申请注销");
         return c.CloseAccount(request).status();
       },
       "YDDDU"},
      {Method("institutions.v1.InstitutionService", "RegisterInstitution"),
       [](auto& c, int serial) {
         institutions::v1::RegisterInstitutionRequest request;
         request.set_code(absl::StrCat("NEW-", serial));
         request.set_name("重庆市社区教育学院");
         request.set_sector(common::v1::SECTOR_COMMUNITY);
         return c.RegisterInstitution(request).status();
       },
       "YDDDU"},
      {Method("institutions.v1.InstitutionService", "AccreditInstitution"),
       [](auto& c, int) {
         institutions::v1::AccreditInstitutionRequest request;
         request.set_code(kInstitutionB);
         *request.mutable_scope() = testing::BroadScope();
         return c.AccreditInstitution(request).status();
       },
       "YDDDU"},
      {Method("institutions.v1.InstitutionService", "SuspendInstitution"),
       [](auto& c, int) {
         institutions::v1::ChangeInstitutionStatusRequest request;
         request.set_code(kInstitutionB);
         request.set_reason("年度检查");
         return c.SuspendInstitution(request).status();
       },
       "YDDDU"},
      {Method("institutions.v1.InstitutionService", "ReinstateInstitution"),
       [](auto& c, int) {
         institutions::v1::ChangeInstitutionStatusRequest request;
         request.set_code(kInstitutionB);
         request.set_reason("检查通过");
         return c.ReinstateInstitution(request).status();
       },
       "YDDDU"},
      {Method("institutions.v1.InstitutionService", "GetInstitution"),
       [](auto& c, int) {
         institutions::v1::GetInstitutionRequest request;
         request.set_code(kInstitutionA);
         return c.GetInstitution(request).status();
       },
       "YYYYU"},
      {Method("institutions.v1.InstitutionService", "ListInstitutions"),
       [](auto& c, int) {
         return c.ListInstitutions(institutions::v1::ListInstitutionsRequest()).status();
       },
       "YYYYU"},
      {Method("ledger.v1.LedgerService", "RecordOutcome"),
       [&](auto& c, int serial) {
         ledger::v1::RecordOutcomeRequest request = record_request(serial);
         request.set_institution_code(kInstitutionA);
         return c.RecordOutcome(request).status();
       },
       "DYDYU"},
      {Method("ledger.v1.LedgerService", "RecordOutcomes"),
       [&](auto& c, int serial) {
         ledger::v1::RecordOutcomesRequest request;
         request.set_institution_code(kInstitutionA);
         *request.add_outcomes() = record_request(serial).outcome();
         return c.RecordOutcomes(request).status();
       },
       "DYDYU"},
      {Method("ledger.v1.LedgerService", "StreamOutcomes"),
       [&](auto& c, int serial) {
         grpc::ClientContext context;
         c.AddCredentials(context);
         context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
         auto stream = c.ledger_stub().StreamOutcomes(&context);
         ledger::v1::RecordOutcomesRequest chunk;
         chunk.set_institution_code(kInstitutionA);
         *chunk.add_outcomes() = record_request(serial).outcome();
         stream->Write(chunk);
         stream->WritesDone();
         ledger::v1::RecordOutcomesResponse answer;
         while (stream->Read(&answer)) {
         }
         return services::FromGrpcStatus(stream->Finish());
       },
       "DYDYU"},
      {Method("ledger.v1.LedgerService", "ReverseEntry"),
       [&](auto& c, int serial) {
         ledger::v1::ReverseEntryRequest request;
         request.set_institution_code(kInstitutionA);
         request.set_request_id(absl::StrCat("rev-", serial));
         request.set_account_number(own_account);
         request.set_entry_id(own_entry);
         request.set_reason("成绩录入错误");
         return c.ReverseEntry(request).status();
       },
       "YYDDU"},
      {Method("ledger.v1.LedgerService", "GetEntry"),
       [&](auto& c, int) {
         ledger::v1::GetEntryRequest request;
         request.set_entry_id(own_entry);
         return c.GetEntry(request).status();
       },
       "YYYYU"},
      {Method("ledger.v1.LedgerService", "ListEntries"),
       [&](auto& c, int) {
         ledger::v1::ListEntriesRequest request;
         request.set_account_number(own_account);
         return c.ListEntries(request).status();
       },
       "YYYYU"},
      {Method("ledger.v1.LedgerService", "GetBalances"),
       [&](auto& c, int) {
         ledger::v1::GetBalancesRequest request;
         request.set_account_number(own_account);
         return c.GetBalances(request).status();
       },
       "YDYYU"},
      {Method("ledger.v1.LedgerService", "CheckConsistency"),
       [](auto& c, int) { return c.CheckConsistency(ledger::v1::CheckConsistencyRequest()).status(); },
       "YDDDU"},
      {Method("admin.v1.AdminService", "IssueLearnerToken"),
       [&](auto& c, int) {
         admin_v1::IssueLearnerTokenRequest request;
         request.set_account_number(own_account);
         return c.IssueLearnerToken(request).status();
       },
       "YDDDU"},
      {Method("admin.v1.AdminService", "QueryAudit"),
       [](auto& c, int) { return c.QueryAudit(admin_v1::QueryAuditRequest()).status(); },
       "YDDDU"},
      {Method("admin.v1.AdminService", "CreateBackup"),
       [](auto& c, int) { return c.CreateBackup(admin_v1::CreateBackupRequest()).status(); },
       "YDDDU"},
      {Method("admin.v1.AdminService", "ListBackups"),
       [](auto& c, int) { return c.ListBackups(admin_v1::ListBackupsRequest()).status(); },
       "YDDDU"},
      {Method("admin.v1.AdminService", "ReencryptPersonalDetails"),
       [](auto& c, int) {
         return c.ReencryptPersonalDetails(admin_v1::ReencryptPersonalDetailsRequest()).status();
       },
       "YDDDU"},
      {Method("admin.v1.AdminService", "WhoAmI"),
       [](auto& c, int) { return c.WhoAmI(admin_v1::WhoAmIRequest()).status(); },
       "YYYYU"},
      {Method("rules.v1.RulesService", "PutFramework"),
       [](auto& c, int) {
         rules::v1::PutFrameworkRequest request;
         request.mutable_framework()->set_id("eqf");
         request.mutable_framework()->set_name("European Qualifications Framework");
         for (uint32_t level = 1; level <= 8; ++level) {
           rules::v1::Level* entry = request.mutable_framework()->add_levels();
           entry->set_level(level);
           entry->set_name(absl::StrCat("EQF level ", level));
         }
         return c.rules.PutFramework(request).status();
       },
       "YDDDU"},
      {Method("rules.v1.RulesService", "ListFrameworks"),
       [](auto& c, int) { return c.rules.ListFrameworks({}).status(); }, "YYYYU"},
      {Method("rules.v1.RulesService", "PutProgramme"),
       [this](auto& c, int) {
         auto programme = operator_->rules.GetProgramme(ProgrammeById());
         if (!programme.ok()) return programme.status();
         rules::v1::PutProgrammeRequest request;
         *request.mutable_programme() = *programme;
         request.mutable_programme()->clear_updated_at();
         return c.rules.PutProgramme(request).status();
       },
       "YYDDU"},
      {Method("rules.v1.RulesService", "GetProgramme"),
       [](auto& c, int) { return c.rules.GetProgramme(ProgrammeById()).status(); }, "YYYYU"},
      {Method("rules.v1.RulesService", "ListProgrammes"),
       [](auto& c, int) { return c.rules.ListProgrammes({}).status(); }, "YYYYU"},
      {Method("rules.v1.RulesService", "ApplyRules"),
       [](auto& c, int) { return c.rules.ApplyRules(ProgrammeRules()).status(); }, "YYDDU"},
      {Method("rules.v1.RulesService", "ListRules"),
       [](auto& c, int) {
         rules::v1::ListRulesRequest request;
         request.set_programme_id(kProgrammeA);
         return c.rules.ListRules(request).status();
       },
       "YYYYU"},
      {Method("rules.v1.RulesService", "GetRule"),
       [](auto& c, int) {
         rules::v1::GetRuleRequest request;
         request.set_programme_id(kProgrammeA);
         request.set_rule_id("SEED");
         return c.rules.GetRule(request).status();
       },
       "YYYYU"},
      {Method("rules.v1.RulesService", "Evaluate"),
       [&](auto& c, int) {
         rules::v1::EvaluateRequest request;
         request.set_account_number(own_account);
         request.set_programme_id(kProgrammeA);
         return c.rules.Evaluate(request).status();
       },
       "YYYDU"},
      {Method("rules.v1.RulesService", "GetProgress"),
       [&](auto& c, int) {
         rules::v1::GetProgressRequest request;
         request.set_account_number(own_account);
         request.set_programme_id(kProgrammeA);
         return c.rules.GetProgress(request).status();
       },
       "YYYYU"},
      {Method("rules.v1.RulesService", "CreateConversionRequest"),
       [&](auto& c, int serial) {
         rules::v1::CreateConversionRequestRequest request;
         request.set_request_id(absl::StrCat("m-", serial));
         request.set_account_number(own_account);
         request.set_programme_id(kProgrammeA);
         return c.rules.CreateConversionRequest(request).status();
       },
       "YYYDU"},
      {Method("rules.v1.RulesService", "ApproveConversionRequest"),
       [](auto& c, int) { return c.rules.ApproveConversionRequest(Decision()).status(); },
       "YYDDU"},
      {Method("rules.v1.RulesService", "RejectConversionRequest"),
       [](auto& c, int) { return c.rules.RejectConversionRequest(Decision()).status(); },
       "YYDDU"},
      {Method("rules.v1.RulesService", "GetConversionRequest"),
       [](auto& c, int) {
         rules::v1::GetConversionRequestRequest request;
         request.set_conversion_request_id("CR-000001");
         return c.rules.GetConversionRequest(request).status();
       },
       "YYYDU"},
      {Method("rules.v1.RulesService", "ListConversionRequests"),
       [&](auto& c, int) {
         rules::v1::ListConversionRequestsRequest request;
         request.set_account_number(own_account);
         request.set_programme_id(kProgrammeA);
         return c.rules.ListConversionRequests(request).status();
       },
       "YYYDU"},
      {Method("rules.v1.RulesService", "ReviewReversals"),
       [](auto& c, int) { return c.rules.ReviewReversals({}).status(); }, "YDDYU"},
      // The log's heads and consistency proofs are public: anonymous too.
      {Method("log.v1.LogService", "GetCheckpoint"),
       [](auto& c, int) { return c.log.GetCheckpoint().status(); }, "YYYYY"},
      {Method("log.v1.LogService", "GetInclusionProof"),
       [&](auto& c, int) {
         log::v1::GetInclusionProofRequest request;
         request.set_entry_id(own_entry);
         return c.log.GetInclusionProof(request).status();
       },
       "YYYYU"},
      {Method("log.v1.LogService", "GetConsistencyProof"),
       [](auto& c, int) {
         log::v1::GetConsistencyProofRequest request;
         request.set_first_tree_size(1);
         return c.log.GetConsistencyProof(request).status();
       },
       "YYYYY"},
      // A learner's transcripts are theirs; keys, status lists and
      // verification are public. Transcript 1 is the operator's first issue.
      {Method("transcripts.v1.TranscriptService", "IssueTranscript"),
       [&](auto& c, int serial) {
         transcripts::v1::IssueTranscriptRequest request;
         request.set_request_id(absl::StrCat("tr-", serial));
         request.set_account_number(own_account);
         request.add_entry_ids(own_entry);
         return c.transcripts.IssueTranscript(request).status();
       },
       "YDYDU"},
      {Method("transcripts.v1.TranscriptService", "GetTranscript"),
       [](auto& c, int) {
         transcripts::v1::GetTranscriptRequest request;
         request.set_number(1);
         return c.transcripts.GetTranscript(request).status();
       },
       "YDYDU"},
      {Method("transcripts.v1.TranscriptService", "ListTranscripts"),
       [&](auto& c, int) {
         transcripts::v1::ListTranscriptsRequest request;
         request.set_account_number(own_account);
         return c.transcripts.ListTranscripts(request).status();
       },
       "YDYDU"},
      {Method("transcripts.v1.TranscriptService", "RevokeTranscript"),
       [](auto& c, int) {
         transcripts::v1::RevokeTranscriptRequest request;
         request.set_number(1);
         request.set_reason("学习者申请撤销");
         return c.transcripts.RevokeTranscript(request).status();
       },
       "YDYDU"},
      {Method("transcripts.v1.TranscriptService", "GetJwks"),
       [](auto& c, int) { return c.transcripts.GetJwks().status(); }, "YYYYY"},
      {Method("transcripts.v1.TranscriptService", "GetStatusList"),
       [](auto& c, int) {
         transcripts::v1::GetStatusListRequest request;
         request.set_list(1);
         return c.transcripts.GetStatusList(request).status();
       },
       "YYYYY"},
      {Method("transcripts.v1.TranscriptService", "RotateSigningKey"),
       [](auto& c, int) { return c.transcripts.RotateSigningKey({}).status(); }, "YDDDU"},
      {Method("verification.v1.VerificationService", "VerifyTranscript"),
       [](auto& c, int) {
         verification::v1::VerifyTranscriptRequest request;
         request.set_jws("not.a.transcript");
         return c.transcripts.VerifyTranscript(request).status();
       },
       "YYYYY"},
  };

  // The matrix covers every RPC the server hosts, and nothing else.
  const std::set<std::string> hosted = HostedMethods();
  std::set<std::string> covered;
  for (const MatrixRow& row : rows) covered.insert(row.method);
  EXPECT_EQ(covered, hosted);

  const Who columns[] = {Who::kOperator, Who::kInstitutionA, Who::kLearner, Who::kService,
                         Who::kAnonymous};
  int serial = 0;
  for (const MatrixRow& row : rows) {
    ASSERT_EQ(row.expected.size(), 5u) << row.method;
    for (size_t column = 0; column < 5; ++column) {
      const Who who = columns[column];
      const absl::Status status = row.call(As(who), ++serial);
      const std::string where = absl::StrCat(WhoName(who), " calling ", row.method, ": ",
                                             status.ToString());
      switch (row.expected[column]) {
        case 'Y':
          EXPECT_NE(status.code(), absl::StatusCode::kPermissionDenied) << where;
          EXPECT_NE(status.code(), absl::StatusCode::kUnauthenticated) << where;
          break;
        case 'D':
          EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << where;
          break;
        case 'U':
          EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << where;
          break;
        default:
          ADD_FAILURE() << "bad expectation in " << row.method;
      }
    }
  }
}

// The transcripts service's rows are the learner's account: a learner
// cannot issue over, read, list or revoke another account's transcripts.
TEST_F(SecurityTest, TranscriptRowsAreTheLearnersAccount) {
  admin_v1::IssueLearnerTokenRequest token_request;
  token_request.set_account_number(other_account_);
  ASSERT_OK_AND_ASSIGN(auto other_token, operator_->IssueLearnerToken(token_request));
  std::unique_ptr<TestClient> other_learner =
      Client({certificates_->bank() + "/ca.crt", "", ""}, other_token.token());
  transcripts::v1::IssueTranscriptRequest issue;
  issue.set_request_id("tr-other");
  issue.set_account_number(other_account_);
  issue.add_entry_ids(entry_by_a_);
  EXPECT_THAT(learner_->transcripts.IssueTranscript(issue),
              testing::StatusIs(absl::StatusCode::kPermissionDenied));
  issue.set_account_number(learner_account_);
  issue.set_request_id("tr-own");
  ASSERT_OK_AND_ASSIGN(const transcripts::v1::Transcript own,
                       operator_->transcripts.IssueTranscript(issue));
  transcripts::v1::ListTranscriptsRequest list;
  list.set_account_number(other_account_);
  EXPECT_THAT(learner_->transcripts.ListTranscripts(list),
              testing::StatusIs(absl::StatusCode::kPermissionDenied));
  // Another learner's token on this learner's transcript.
  transcripts::v1::GetTranscriptRequest get;
  get.set_number(own.number());
  EXPECT_OK(learner_->transcripts.GetTranscript(get).status());
  EXPECT_THAT(other_learner->transcripts.GetTranscript(get),
              testing::StatusIs(absl::StatusCode::kPermissionDenied));
  transcripts::v1::RevokeTranscriptRequest revoke;
  revoke.set_number(own.number());
  revoke.set_reason("不是我的");
  EXPECT_THAT(other_learner->transcripts.RevokeTranscript(revoke),
              testing::StatusIs(absl::StatusCode::kPermissionDenied));
  ASSERT_OK_AND_ASSIGN(const transcripts::v1::Transcript still,
                       learner_->transcripts.GetTranscript(get));
  EXPECT_EQ(still.state(), transcripts::v1::TRANSCRIPT_STATE_ACTIVE);
  // Anyone may verify it, with no credentials at all.
  verification::v1::VerifyTranscriptRequest verify;
  verify.set_jws(own.jws());
  ASSERT_OK_AND_ASSIGN(const verification::v1::VerificationReport report,
                       anonymous_->transcripts.VerifyTranscript(verify));
  EXPECT_TRUE(report.valid()) << report.DebugString();
}

// The rules service's row rules: an institution publishes, evaluates and
// decides only for its own programmes; a learner only for their account.
TEST_F(SecurityTest, RulesRowsAreTheProgrammesInstitutionAndTheLearnersAccount) {
  // Institution B on A's programme.
  EXPECT_THAT(institution_b_->rules.ApplyRules(ProgrammeRules()),
              testing::StatusIs(absl::StatusCode::kPermissionDenied));
  rules::v1::EvaluateRequest evaluate;
  evaluate.set_account_number(learner_account_);
  evaluate.set_programme_id(kProgrammeA);
  EXPECT_THAT(institution_b_->rules.Evaluate(evaluate),
              testing::StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_OK(institution_a_->rules.Evaluate(evaluate).status());
  // Registering a programme in another institution's name.
  auto programme = operator_->rules.GetProgramme(ProgrammeById());
  ASSERT_OK(programme.status());
  rules::v1::PutProgrammeRequest put;
  *put.mutable_programme() = *programme;
  put.mutable_programme()->clear_updated_at();
  put.mutable_programme()->set_id("CQ-UNI-02-WEB");
  put.mutable_programme()->set_institution_code(kInstitutionB);
  EXPECT_THAT(institution_a_->rules.PutProgramme(put),
              testing::StatusIs(absl::StatusCode::kPermissionDenied));
  // The learner on another account, and listing without naming their own.
  evaluate.set_account_number(other_account_);
  EXPECT_THAT(learner_->rules.Evaluate(evaluate), testing::StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(learner_->rules.ListConversionRequests({}),
              testing::StatusIs(absl::StatusCode::kPermissionDenied));
  // Institutions list by one of their programmes only.
  EXPECT_THAT(institution_a_->rules.ListConversionRequests({}),
              testing::StatusIs(absl::StatusCode::kPermissionDenied));
  // Rules an institution publishes are owned by it; an operator's by the bank.
  rules::v1::ApplyRulesRequest changed = ProgrammeRules();
  changed.mutable_rules(0)->set_title("由学院修订");
  ASSERT_OK_AND_ASSIGN(auto published, institution_a_->rules.ApplyRules(changed));
  ASSERT_EQ(published.published_size(), 1);
  EXPECT_EQ(published.published(0).owner(), kInstitutionA);
  EXPECT_EQ(published.published(0).version(), 2u);
  rules::v1::GetRuleRequest get_rule;
  get_rule.set_programme_id(kProgrammeA);
  get_rule.set_rule_id("SEED");
  ASSERT_OK_AND_ASSIGN(auto versions, learner_->rules.GetRule(get_rule));
  ASSERT_EQ(versions.versions_size(), 2);
  EXPECT_EQ(versions.versions(0).owner(), "bank");
}

TEST_F(SecurityTest, InstitutionActsOnlyOnItsOwnEntries) {
  // Recording in another institution's name.
  ledger::v1::RecordOutcomeRequest forged;
  forged.set_institution_code(kInstitutionB);
  *forged.mutable_outcome() = testing::CourseOutcome(learner_account_, "forged-1");
  EXPECT_THAT(institution_a_->RecordOutcome(forged), testing::StatusIs(absl::StatusCode::kPermissionDenied));
  // Leaving the code out records in its own name.
  ledger::v1::RecordOutcomeRequest unnamed;
  *unnamed.mutable_outcome() = testing::CourseOutcome(learner_account_, "unnamed-1");
  ASSERT_OK_AND_ASSIGN(auto recorded, institution_a_->RecordOutcome(unnamed));
  ledger::v1::GetEntryRequest get;
  get.set_entry_id(recorded.entry().entry_id());
  ASSERT_OK_AND_ASSIGN(auto entry, operator_->GetEntry(get));
  EXPECT_EQ(entry.institution_code(), kInstitutionA);
  // Another institution's entry: neither read nor reversed.
  get.set_entry_id(entry_by_b_);
  EXPECT_THAT(institution_a_->GetEntry(get), testing::StatusIs(absl::StatusCode::kPermissionDenied));
  ledger::v1::ReverseEntryRequest reverse;
  reverse.set_institution_code(kInstitutionB);
  reverse.set_request_id("rev-b");
  reverse.set_account_number(other_account_);
  reverse.set_entry_id(entry_by_b_);
  reverse.set_reason("恶意撤销");
  EXPECT_THAT(institution_a_->ReverseEntry(reverse), testing::StatusIs(absl::StatusCode::kPermissionDenied));
  // Listing another learner's account shows only what A recorded there:
  // nothing.
  ledger::v1::ListEntriesRequest list;
  list.set_account_number(other_account_);
  ASSERT_OK_AND_ASSIGN(auto listed, institution_a_->ListEntries(list));
  EXPECT_EQ(listed.entries_size(), 0);
  list.set_institution_code(kInstitutionB);
  EXPECT_THAT(institution_a_->ListEntries(list), testing::StatusIs(absl::StatusCode::kPermissionDenied));
  // No personal data.
  accounts::v1::GetAccountRequest account;
  account.set_account_number(learner_account_);
  EXPECT_THAT(institution_a_->GetAccount(account), testing::StatusIs(absl::StatusCode::kPermissionDenied));
}

// The transparency log over mTLS: anyone (no certificate, no token) reads
// the signed head and checks it with the published key; an inclusion
// proof carries its entry's leaf, so it follows GetEntry's row rules; the
// proof a learner gets for their own entry verifies against the head.
TEST_F(SecurityTest, LogHeadsArePublicAndInclusionProofsFollowTheEntrysRows) {
  ASSERT_OK_AND_ASSIGN(log::v1::Checkpoint head, anonymous_->log.GetCheckpoint());
  ASSERT_OK_AND_ASSIGN(domain::tlog::NoteVerifierKey key,
                       domain::tlog::ParseNoteVerifierKey(head.verifier_key()));
  ASSERT_OK_AND_ASSIGN(std::string text, domain::tlog::OpenNote(head.signed_note(), key));
  ASSERT_OK_AND_ASSIGN(domain::tlog::Checkpoint checkpoint,
                       domain::tlog::ParseCheckpoint(text, domain::kDefaultLogOrigin));
  EXPECT_GE(checkpoint.tree_size, 2u);

  log::v1::GetInclusionProofRequest request;
  request.set_entry_id(entry_by_a_);
  request.set_tree_size(checkpoint.tree_size);
  ASSERT_OK_AND_ASSIGN(log::v1::InclusionProof proof, learner_->log.GetInclusionProof(request));
  const std::vector<std::string> hashes(proof.hashes().begin(), proof.hashes().end());
  EXPECT_OK(domain::tlog::VerifyInclusion(domain::tlog::LeafHash(proof.leaf()),
                                          entry_by_a_ - 1, checkpoint.tree_size, hashes,
                                          checkpoint.root_hash));
  EXPECT_THAT(proof.leaf(), HasSubstr(learner_account_));
  EXPECT_OK(institution_a_->log.GetInclusionProof(request).status());

  // Another learner's entry, another institution's entry, no identity.
  request.set_entry_id(entry_by_b_);
  EXPECT_THAT(learner_->log.GetInclusionProof(request),
              testing::StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(institution_a_->log.GetInclusionProof(request),
              testing::StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(anonymous_->log.GetInclusionProof(request),
              testing::StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_OK(operator_->log.GetInclusionProof(request).status());
}

TEST_F(SecurityTest, LearnerSeesOnlyTheirOwnAccount) {
  accounts::v1::GetAccountRequest own;
  own.set_account_number(learner_account_);
  ASSERT_OK_AND_ASSIGN(auto account, learner_->GetAccount(own));
  EXPECT_EQ(account.details().name(), "李娜");
  accounts::v1::GetAccountRequest other;
  other.set_account_number(other_account_);
  EXPECT_THAT(learner_->GetAccount(other), testing::StatusIs(absl::StatusCode::kPermissionDenied));
  accounts::v1::GetAccountRequest by_identity;
  *by_identity.mutable_identity()->mutable_resident_id() = testing::ResidentId(1);
  EXPECT_THAT(learner_->GetAccount(by_identity), testing::StatusIs(absl::StatusCode::kPermissionDenied));
  ledger::v1::GetBalancesRequest balances;
  balances.set_account_number(other_account_);
  EXPECT_THAT(learner_->GetBalances(balances), testing::StatusIs(absl::StatusCode::kPermissionDenied));
  ledger::v1::GetEntryRequest entry;
  entry.set_entry_id(entry_by_b_);
  EXPECT_THAT(learner_->GetEntry(entry), testing::StatusIs(absl::StatusCode::kPermissionDenied));
  ledger::v1::ListEntriesRequest list;
  list.set_account_number(learner_account_);
  ASSERT_OK_AND_ASSIGN(auto listed, learner_->ListEntries(list));
  ASSERT_EQ(listed.entries_size(), 1);
  EXPECT_EQ(listed.entries(0).entry_id(), entry_by_a_);
}

TEST_F(SecurityTest, ExpiredTamperedAndForeignTokensAreUnauthenticated) {
  accounts::v1::GetAccountRequest own;
  own.set_account_number(learner_account_);
  // Tampered: the payload names another account, the signature is the old one.
  std::string tampered = token_;
  const size_t dot = tampered.find('.');
  tampered[dot + 5] = tampered[dot + 5] == 'A' ? 'B' : 'A';
  EXPECT_THAT(Client({certificates_->bank() + "/ca.crt", "", ""}, tampered)->GetAccount(own),
              testing::StatusIs(absl::StatusCode::kUnauthenticated));
  // Foreign: a token signed by another bank's key (another key file).
  services::ServerOptions other = options_;
  testing::TempDir other_dir;
  other.data_dir = other_dir.File("data");
  other.key_file = other_dir.File("keys.json");
  other.backup_dir.clear();
  {
    auto other_server = services::CreditBankServer::Start(other, clock_);
    ASSERT_OK(other_server.status());
    ASSERT_OK((*other_server)->OpenStorage());
    auto other_operator = std::make_unique<services::GrpcCoreClient>(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", (*other_server)->port()),
                            *services::MakeChannelCredentials(
                                certificates_->Client("operator-ops-wangfang"))));
    ASSERT_OK_AND_ASSIGN(auto opened, other_operator->OpenAccount(
                                          testing::OpenRequest(testing::ResidentId(7), "赵敏")));
    admin_v1::IssueLearnerTokenRequest request;
    request.set_account_number(opened.account().account_number());
    ASSERT_OK_AND_ASSIGN(auto foreign, other_operator->IssueLearnerToken(request));
    accounts::v1::GetAccountRequest theirs;
    theirs.set_account_number(opened.account().account_number());
    EXPECT_THAT(Client({certificates_->bank() + "/ca.crt", "", ""}, foreign.token())
                    ->GetAccount(theirs),
                testing::StatusIs(absl::StatusCode::kUnauthenticated));
  }
  // Expired: 15 minutes by default, 30 s of leeway.
  ASSERT_OK(learner_->GetAccount(own).status());
  clock_.Advance(absl::Minutes(16));
  EXPECT_THAT(learner_->GetAccount(own), testing::StatusIs(absl::StatusCode::kUnauthenticated));
  // A certificate and a token at once: one identity per call.
  auto both = Client(certificates_->Client("operator-ops-wangfang"), token_);
  EXPECT_THAT(both->GetAccount(own), testing::StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(SecurityTest, ClientCertificateFromAnotherCaFailsTheHandshake) {
  auto foreign = Client(certificates_->Client("operator-ops-wangfang", /*foreign_ca=*/true));
  accounts::v1::GetAccountRequest own;
  own.set_account_number(learner_account_);
  EXPECT_THAT(foreign->GetAccount(own), testing::StatusIs(absl::StatusCode::kUnavailable));
  // The server goes on serving everyone else.
  EXPECT_OK(operator_->GetAccount(own).status());
}

TEST_F(SecurityTest, PlaintextIsRefusedOffLoopback) {
  services::ServerOptions plaintext = options_;
  plaintext.tls = {};
  plaintext.listen = "0.0.0.0:0";
  EXPECT_THAT(services::CreditBankServer::Start(plaintext, clock_),
              testing::StatusIs(absl::StatusCode::kFailedPrecondition));
}

// An approval commits its APPROVING mark (carrying the call's audit record)
// before the ledger batch. When the ledger refuses the batch, the call
// fails, the request goes back to pending, and the audit log says so: the
// mark's record (OK) and one with the final code.
TEST_F(SecurityTest, AnApprovalTheLedgerRefusesIsAuditedWithItsFinalCode) {
  ledger::v1::RecordOutcomeRequest seed;
  *seed.mutable_outcome() = testing::CourseOutcome(learner_account_, "seed-course");
  seed.mutable_outcome()->set_code("SEED-COURSE");
  ASSERT_OK(institution_a_->RecordOutcome(seed).status());
  rules::v1::CreateConversionRequestRequest create;
  create.set_request_id("audit-1");
  create.set_account_number(learner_account_);
  create.set_programme_id(kProgrammeA);
  ASSERT_OK_AND_ASSIGN(auto request, learner_->rules.CreateConversionRequest(create));
  accounts::v1::ChangeAccountStatusRequest freeze;
  freeze.set_account_number(learner_account_);
  freeze.set_reason("核对身份信息");
  ASSERT_OK(operator_->FreezeAccount(freeze).status());

  rules::v1::DecideConversionRequest approve;
  approve.set_conversion_request_id(request.id());
  approve.set_reason("核验无误");
  EXPECT_THAT(institution_a_->rules.ApproveConversionRequest(approve),
              testing::StatusIs(absl::StatusCode::kFailedPrecondition));
  rules::v1::GetConversionRequestRequest get;
  get.set_conversion_request_id(request.id());
  ASSERT_OK_AND_ASSIGN(auto after, operator_->rules.GetConversionRequest(get));
  EXPECT_EQ(after.status(), rules::v1::CONVERSION_STATUS_PENDING);

  admin_v1::QueryAuditRequest query;
  query.set_target(request.id());
  ASSERT_OK_AND_ASSIGN(auto audit, operator_->QueryAudit(query));
  std::vector<int> codes;
  for (const admin_v1::AuditRecord& record : audit.records()) {
    EXPECT_EQ(record.method(), Method("rules.v1.RulesService", "ApproveConversionRequest"));
    codes.push_back(record.result_code());
  }
  EXPECT_THAT(codes, ::testing::ElementsAre(0, 9));  // OK, FAILED_PRECONDITION

  // Once the account is open again the same request goes through, once.
  ASSERT_OK(operator_->UnfreezeAccount(freeze).status());
  ASSERT_OK_AND_ASSIGN(auto approved, institution_a_->rules.ApproveConversionRequest(approve));
  EXPECT_EQ(approved.status(), rules::v1::CONVERSION_STATUS_APPROVED);
  ASSERT_EQ(approved.conversion_entry_ids_size(), 1);
  ASSERT_OK_AND_ASSIGN(auto again, institution_a_->rules.ApproveConversionRequest(approve));
  EXPECT_EQ(again.conversion_entry_ids(0), approved.conversion_entry_ids(0));
}

TEST_F(SecurityTest, AllowedAndRefusedMutationsAreAudited) {
  accounts::v1::ChangeAccountStatusRequest freeze;
  freeze.set_account_number(other_account_);
  freeze.set_reason("核对身份信息");
  ASSERT_OK(operator_->FreezeAccount(freeze).status());
  EXPECT_THAT(institution_a_->FreezeAccount(freeze),
              testing::StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(anonymous_->FreezeAccount(freeze),
              testing::StatusIs(absl::StatusCode::kUnauthenticated));

  admin_v1::QueryAuditRequest query;
  query.set_target(other_account_);
  ASSERT_OK_AND_ASSIGN(auto audit, operator_->QueryAudit(query));
  std::vector<std::string> seen;
  for (const admin_v1::AuditRecord& record : audit.records()) {
    if (record.method() != Method("accounts.v1.AccountService", "FreezeAccount")) continue;
    seen.push_back(absl::StrCat(record.role(), "/", record.actor(), "/", record.result_code()));
    EXPECT_TRUE(record.has_time());
  }
  EXPECT_THAT(seen, ::testing::ElementsAre("operator/ops-wangfang/0",
                                           absl::StrCat("institution/", kInstitutionA, "/7"),
                                           "anonymous/anonymous/16"));
  // By actor, and by time range.
  admin_v1::QueryAuditRequest by_actor;
  by_actor.set_actor(kInstitutionB);
  ASSERT_OK_AND_ASSIGN(auto b_records, operator_->QueryAudit(by_actor));
  ASSERT_EQ(b_records.records_size(), 1);  // its seed entry
  EXPECT_EQ(b_records.records(0).request_id(), "seed-b");
  admin_v1::QueryAuditRequest later;
  *later.mutable_from() = domain::ToTimestamp(clock_.Now() + absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(auto none, operator_->QueryAudit(later));
  EXPECT_EQ(none.records_size(), 0);
}

TEST_F(SecurityTest, BackupRestoresEveryEntryIntoAFreshDirectory) {
  for (int i = 0; i < 50; ++i) {
    ledger::v1::RecordOutcomeRequest request;
    *request.mutable_outcome() = testing::CourseOutcome(learner_account_, absl::StrCat("bk-", i));
    ASSERT_OK(institution_a_->RecordOutcome(request).status());
  }
  ASSERT_OK_AND_ASSIGN(auto backup, operator_->CreateBackup(admin_v1::CreateBackupRequest()));
  EXPECT_EQ(backup.backup_id(), 1u);
  server_.reset();
  const std::string restored = dir_.File("restored");
  ASSERT_OK(storage::RestoreLatestBackup(options_.backup_dir, restored));
  options_.data_dir = restored;
  StartServer();
  operator_ = Client(certificates_->Client("operator-ops-wangfang"));
  ledger::v1::ListEntriesRequest list;
  list.set_account_number(learner_account_);
  list.set_page_size(1000);
  ASSERT_OK_AND_ASSIGN(auto entries, operator_->ListEntries(list));
  EXPECT_EQ(entries.entries_size(), 51);  // the seed entry and 50
  ASSERT_OK_AND_ASSIGN(auto check, operator_->CheckConsistency(ledger::v1::CheckConsistencyRequest()));
  EXPECT_TRUE(check.consistent());
}

TEST_F(SecurityTest, InstitutionLimitsAnswerResourceExhausted) {
  server_.reset();
  options_.institution_limits = {.requests_per_second = 1, .burst = 2, .max_batch_items = 3};
  StartServer();
  institution_a_ = Client(certificates_->Client(absl::StrCat("institution-", kInstitutionA)));
  operator_ = Client(certificates_->Client("operator-ops-wangfang"));
  ledger::v1::RecordOutcomesRequest batch;
  for (int i = 0; i < 4; ++i) {
    *batch.add_outcomes() = testing::CourseOutcome(learner_account_, absl::StrCat("lim-", i));
  }
  absl::Status too_big = institution_a_->RecordOutcomes(batch).status();
  EXPECT_THAT(too_big, testing::StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(domain::ErrorReason(too_big), "QUOTA_EXCEEDED");
  batch.mutable_outcomes()->RemoveLast();
  // The clock stands still: the burst of 2, then nothing.
  EXPECT_OK(institution_a_->RecordOutcomes(batch).status());
  ledger::v1::RecordOutcomeRequest one;
  *one.mutable_outcome() = testing::CourseOutcome(learner_account_, "lim-one");
  EXPECT_OK(institution_a_->RecordOutcome(one).status());
  EXPECT_THAT(institution_a_->RecordOutcome(one),
              testing::StatusIs(absl::StatusCode::kResourceExhausted));
  clock_.Advance(absl::Seconds(1));
  EXPECT_OK(institution_a_->RecordOutcome(one).status());
  // Operators are not limited.
  EXPECT_OK(operator_->GetAccount([&] {
    accounts::v1::GetAccountRequest request;
    request.set_account_number(learner_account_);
    return request;
  }()).status());
}

// A change and its audit record are one command, so one batch: they
// become durable together, and auditing costs no second commit.
TEST(AuditInTheSameBatchTest, ARecordedOutcomeAndItsAuditRecordAreOneCommand) {
  testing::ServerFixture fixture;
  testing::AccreditOverGrpc(fixture.client(), "4150013588");
  ASSERT_OK_AND_ASSIGN(auto opened,
                       fixture.client().OpenAccount(testing::OpenRequest(testing::ResidentId(3))));
  domain::Core& core = *fixture.server().core();
  const uint64_t commands_before = core.sequencer_stats().commands_applied;
  ASSERT_OK_AND_ASSIGN(auto before, core.QueryAudit(admin_v1::QueryAuditRequest()));
  ledger::v1::RecordOutcomeRequest request;
  request.set_institution_code("4150013588");
  *request.mutable_outcome() = testing::CourseOutcome(opened.account().account_number(), "one-1");
  ASSERT_OK(fixture.client().RecordOutcome(request).status());
  EXPECT_EQ(core.sequencer_stats().commands_applied, commands_before + 1);
  ASSERT_OK_AND_ASSIGN(auto after, core.QueryAudit(admin_v1::QueryAuditRequest()));
  ASSERT_EQ(after.records_size(), before.records_size() + 1);
  const admin_v1::AuditRecord& record = after.records(after.records_size() - 1);
  EXPECT_EQ(record.method(), Method("ledger.v1.LedgerService", "RecordOutcome"));
  EXPECT_EQ(record.role(), "development");
  EXPECT_EQ(record.request_id(), "one-1");
  EXPECT_EQ(record.result_code(), 0);
  // The opening's record names the account number it opened.
  bool opening_found = false;
  for (const admin_v1::AuditRecord& earlier : after.records()) {
    if (earlier.method() == Method("accounts.v1.AccountService", "OpenAccount")) {
      opening_found = true;
      EXPECT_EQ(earlier.target(), opened.account().account_number());
    }
  }
  EXPECT_TRUE(opening_found);
  // Refused in the domain (frozen account): still one command, result 9.
  accounts::v1::ChangeAccountStatusRequest freeze;
  freeze.set_account_number(opened.account().account_number());
  freeze.set_reason("核对身份信息");
  ASSERT_OK(fixture.client().FreezeAccount(freeze).status());
  const uint64_t commands_frozen = core.sequencer_stats().commands_applied;
  request.mutable_outcome()->set_request_id("one-2");
  EXPECT_THAT(fixture.client().RecordOutcome(request),
              testing::StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(core.sequencer_stats().commands_applied, commands_frozen + 1);
  ASSERT_OK_AND_ASSIGN(after, core.QueryAudit(admin_v1::QueryAuditRequest()));
  EXPECT_EQ(after.records(after.records_size() - 1).result_code(), 9);
}

TEST(PolicyTableTest, CoversEveryHostedRpcAndNothingElse) {
  const std::set<std::string> hosted = HostedMethods();
  std::set<std::string> in_table;
  for (const domain::MethodPolicy& policy : domain::AllMethodPolicies()) {
    in_table.insert(std::string(policy.method));
  }
  EXPECT_EQ(in_table, hosted);
}

}  // namespace
}  // namespace creditbank
