#include "tests/fuzz/fuzz_core.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <system_error>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/match.h"
#include "domain/errors.h"
#include "domain/validation/dates.h"
#include "domain/validation/identity.h"
#include "google/protobuf/stubs/logging.h"
#include "storage/store.h"

namespace creditbank::fuzz {
namespace {

namespace common = ::creditbank::common::v1;
using accounts::v1::OpenAccountRequest;
using institutions::v1::AccreditationScope;
using ledger::v1::Outcome;

constexpr absl::string_view kDirectoryPrefix = "creditbank-fuzz-";

// Fixed secrets: account numbers (derived from the identity secret) are
// then the same in every run, and the corpus can name them.
domain::KeyRing FixedKeys() {
  domain::KeyRing keys;
  keys.identity_hmac_secret = std::string(32, 'i');
  keys.pii_keys[1] = std::string(32, 'p');
  keys.active_pii_key_id = 1;
  keys.log_signing_seed = std::string(32, 'l');
  return keys;
}

template <typename T>
T ValueOrDie(absl::StatusOr<T> value, absl::string_view what) {
  if (!value.ok()) Fail("seeding", absl::StrCat(what, ": ", value.status().ToString()));
  return *std::move(value);
}

// Where stores go: CREDITBANK_FUZZ_TMPDIR, else tmpfs, else TMPDIR or /tmp.
std::string BaseDirectory() {
  if (const char* chosen = std::getenv("CREDITBANK_FUZZ_TMPDIR"); chosen && *chosen) return chosen;
  if (::access("/dev/shm", W_OK) == 0) return "/dev/shm";
  if (const char* tmp = std::getenv("TMPDIR"); tmp && *tmp) return tmp;
  return "/tmp";
}

// Stores of fuzzing processes that died (a crash skips the exit cleanup):
// named creditbank-fuzz-<pid>-..., removed once that pid is gone.
void RemoveStaleDirectories(const std::string& base) {
  std::error_code error;
  for (const auto& item : std::filesystem::directory_iterator(base, error)) {
    const std::string name = item.path().filename().string();
    if (!absl::StartsWith(name, kDirectoryPrefix)) continue;
    absl::string_view rest = absl::string_view(name).substr(kDirectoryPrefix.size());
    int pid = 0;
    if (!absl::SimpleAtoi(rest.substr(0, rest.find('-')), &pid) || pid <= 0) continue;
    if (::kill(pid, 0) == -1 && errno == ESRCH) {
      std::error_code ignored;
      std::filesystem::remove_all(item.path(), ignored);
    }
  }
}

std::string MakeDirectory() {
  const std::string base = BaseDirectory();
  RemoveStaleDirectories(base);
  std::string pattern = absl::StrCat(base, "/", kDirectoryPrefix, ::getpid(), "-XXXXXX");
  if (::mkdtemp(pattern.data()) == nullptr) {
    Fail("setup", absl::StrCat("cannot make a directory like ", pattern));
  }
  return pattern;
}

void RegisterAndAccredit(domain::Core& core, const std::string& code, const std::string& name,
                         common::Sector sector, const AccreditationScope* scope) {
  institutions::v1::RegisterInstitutionRequest register_request;
  register_request.set_code(code);
  register_request.set_name(name);
  register_request.set_sector(sector);
  ValueOrDie(core.RegisterInstitution(register_request), "register");
  if (scope == nullptr) return;
  institutions::v1::AccreditInstitutionRequest accredit;
  accredit.set_code(code);
  *accredit.mutable_scope() = *scope;
  accredit.set_reason("渝教职成〔2026〕12号");
  ValueOrDie(core.AccreditInstitution(accredit), "accredit");
}

AccreditationScope MakeScope(std::initializer_list<common::OutcomeKind> kinds,
                             std::initializer_list<common::Sector> sectors, uint32_t level) {
  AccreditationScope scope;
  for (common::OutcomeKind kind : kinds) scope.add_kinds(kind);
  for (common::Sector sector : sectors) scope.add_sectors(sector);
  scope.set_max_framework_level(level);
  return scope;
}

Outcome MakeOutcome(const std::string& account, const std::string& request_id,
                    common::OutcomeKind kind, const std::string& code, const std::string& title,
                    int64_t credits_milli, absl::CivilDay completed) {
  Outcome outcome;
  outcome.set_request_id(request_id);
  outcome.set_account_number(account);
  outcome.set_kind(kind);
  outcome.set_code(code);
  outcome.set_title(title);
  outcome.set_credits_milli(credits_milli);
  outcome.set_framework_level(6);
  outcome.set_sector(common::SECTOR_VOCATIONAL);
  *outcome.mutable_completion_date() = domain::ToDate(completed);
  return outcome;
}

uint64_t Record(domain::Core& core, const std::string& institution, const Outcome& outcome) {
  ledger::v1::RecordOutcomeRequest request;
  request.set_institution_code(institution);
  *request.mutable_outcome() = outcome;
  return ValueOrDie(core.RecordOutcome(request), "record").entry().entry_id();
}

void SeedInstitutions(domain::Core& core, SeededState& seeded) {
  seeded.accredited_code = "4150013588";
  seeded.narrow_code = "4150010611";
  seeded.registered_code = "4150014371";
  seeded.suspended_code = "5150000001";
  const AccreditationScope broad = MakeScope(
      {common::OUTCOME_KIND_COURSE_CREDIT, common::OUTCOME_KIND_CERTIFICATE,
       common::OUTCOME_KIND_TRAINING_HOURS, common::OUTCOME_KIND_EXAM,
       common::OUTCOME_KIND_PRIOR_LEARNING, common::OUTCOME_KIND_CONVERSION},
      {common::SECTOR_VOCATIONAL, common::SECTOR_GENERAL_HIGHER}, 8);
  const AccreditationScope narrow =
      MakeScope({common::OUTCOME_KIND_COURSE_CREDIT}, {common::SECTOR_GENERAL_HIGHER}, 4);
  const AccreditationScope community =
      MakeScope({common::OUTCOME_KIND_TRAINING_HOURS, common::OUTCOME_KIND_CERTIFICATE},
                {common::SECTOR_COMMUNITY}, 4);
  RegisterAndAccredit(core, seeded.accredited_code, "重庆工程职业技术学院",
                      common::SECTOR_VOCATIONAL, &broad);
  RegisterAndAccredit(core, seeded.narrow_code, "重庆大学", common::SECTOR_GENERAL_HIGHER,
                      &narrow);
  RegisterAndAccredit(core, seeded.registered_code, "重庆城市职业学院",
                      common::SECTOR_VOCATIONAL, nullptr);
  RegisterAndAccredit(core, seeded.suspended_code, "重庆市社区教育学院",
                      common::SECTOR_COMMUNITY, &community);
  institutions::v1::ChangeInstitutionStatusRequest suspend;
  suspend.set_code(seeded.suspended_code);
  suspend.set_reason("年检未通过");
  ValueOrDie(core.SuspendInstitution(suspend), "suspend");
}

void SeedAccounts(domain::Core& core, SeededState& seeded) {
  const char* const names[] = {"张伟", "李娜", "王芳", "刘洋"};
  std::vector<std::string> numbers;
  for (int n = 1; n <= 4; ++n) {
    OpenAccountRequest request;
    request.mutable_identity()->set_resident_id(FuzzResidentId(n));
    request.mutable_details()->set_name(names[n - 1]);
    request.mutable_details()->set_phone("13800138000");
    seeded.resident_ids.push_back(FuzzResidentId(n));
    numbers.push_back(
        ValueOrDie(core.OpenAccount(request), "open account").account().account_number());
  }
  seeded.active_accounts = {numbers[0], numbers[1]};
  seeded.frozen_account = numbers[2];
  seeded.closed_account = numbers[3];
  accounts::v1::ChangeAccountStatusRequest change;
  change.set_account_number(seeded.frozen_account);
  change.set_reason("学员申请暂停");
  ValueOrDie(core.FreezeAccount(change), "freeze");
  change.set_account_number(seeded.closed_account);
  change.set_reason("学员身故，家属申请注销");
  ValueOrDie(core.CloseAccount(change), "close");
}

void SeedEntries(domain::Core& core, SeededState& seeded) {
  const std::string& account = seeded.active_accounts[0];
  const std::string& code = seeded.accredited_code;
  Outcome course = MakeOutcome(account, "2026-spring-math101", common::OUTCOME_KIND_COURSE_CREDIT,
                               "MATH101", "高等数学（上）", 3000, absl::CivilDay(2026, 6, 20));
  course.set_study_hours(48);
  course.mutable_grade()->mutable_score()->set_score_milli(85000);
  course.mutable_grade()->mutable_score()->set_scale_milli(100000);
  Outcome certificate =
      MakeOutcome(account, "cert-1x-web-0001", common::OUTCOME_KIND_CERTIFICATE, "1X-WEB-M",
                  "Web前端开发职业技能等级证书（中级）", 2000, absl::CivilDay(2024, 6, 1));
  certificate.mutable_grade()->set_passed(true);
  certificate.set_framework_level(5);
  *certificate.mutable_valid_until() = domain::ToDate(absl::CivilDay(2025, 6, 1));
  Outcome training = MakeOutcome(account, "trn-2026-007", common::OUTCOME_KIND_TRAINING_HOURS,
                                 "TRN-2026-007", "企业安全生产培训", 0, absl::CivilDay(2026, 5, 10));
  training.set_study_hours(16);
  training.set_framework_level(0);
  seeded.live_entry_ids = {Record(core, code, course), Record(core, code, certificate),
                           Record(core, code, training)};

  Outcome conversion = MakeOutcome(account, "conv-2026-0001", common::OUTCOME_KIND_CONVERSION,
                                   "CONV-MATH", "学分转换：高等数学", 3000,
                                   absl::CivilDay(2026, 6, 25));
  conversion.set_sector(common::SECTOR_GENERAL_HIGHER);
  conversion.add_source_entry_ids(seeded.live_entry_ids[0]);
  conversion.add_source_entry_ids(seeded.live_entry_ids[1]);
  seeded.conversion_entry_id = Record(core, code, conversion);

  Outcome english = MakeOutcome(account, "2026-spring-eng102", common::OUTCOME_KIND_COURSE_CREDIT,
                                "ENG102", "大学英语（二）", 2000, absl::CivilDay(2026, 6, 18));
  english.mutable_grade()->set_letter("B+");
  seeded.reversed_entry_id = Record(core, code, english);
  ledger::v1::ReverseEntryRequest reverse;
  reverse.set_institution_code(code);
  reverse.set_request_id("fix-2026-0001");
  reverse.set_account_number(account);
  reverse.set_entry_id(seeded.reversed_entry_id);
  reverse.set_reason("成绩录入错误");
  seeded.reversal_entry_id =
      ValueOrDie(core.ReverseEntry(reverse), "reverse").entry().entry_id();

  Outcome other = MakeOutcome(seeded.active_accounts[1], "cqu-cs101-0001",
                              common::OUTCOME_KIND_COURSE_CREDIT, "CS101", "程序设计基础", 4000,
                              absl::CivilDay(2026, 1, 15));
  other.set_sector(common::SECTOR_GENERAL_HIGHER);
  other.set_framework_level(4);
  other.mutable_grade()->set_letter("优秀");
  seeded.other_account_entry_id = Record(core, seeded.narrow_code, other);
}

void SeedPageTokens(domain::Core& core, SeededState& seeded) {
  ledger::v1::ListEntriesRequest entries;
  entries.set_account_number(seeded.active_accounts[0]);
  entries.set_page_size(1);
  seeded.entries_page_token =
      ValueOrDie(core.ListEntries(entries), "list entries").next_page_token();
  institutions::v1::ListInstitutionsRequest institutions;
  institutions.set_page_size(1);
  seeded.institutions_page_token =
      ValueOrDie(core.ListInstitutions(institutions), "list institutions").next_page_token();
}

void ShutdownAtExit() { FuzzCore::Instance().Shutdown(); }

}  // namespace

std::string FuzzResidentId(int n) {
  static constexpr const char* kRegions[] = {"500101", "500103", "500104", "500105", "500106"};
  const absl::CivilDay birth = absl::CivilDay(1950, 1, 1) + (n * 37) % 20000;
  std::string body = absl::StrFormat("%s%04d%02d%02d%03d", kRegions[n % 5], birth.year(),
                                     birth.month(), birth.day(), n % 1000);
  return body + *domain::ResidentIdCheckCharacter(body);
}

absl::Time FuzzNow() {
  return absl::FromCivil(absl::CivilSecond(2026, 7, 1, 12, 0, 0), domain::BankTimeZone());
}

void Fail(absl::string_view rpc, absl::string_view what) {
  std::fprintf(stderr, "\n==creditbank fuzz invariant broken== %.*s: %.*s\n",
               static_cast<int>(rpc.size()), rpc.data(), static_cast<int>(what.size()),
               what.data());
  std::fflush(stderr);
  std::abort();
}

void CheckErrorContract(absl::string_view rpc, const absl::Status& status) {
  FuzzCore::Instance().Tally(rpc, status);
  if (status.ok()) return;
  const std::vector<std::string> fields = domain::ErrorFields(status);
  const std::string reason = domain::ErrorReason(status);
  const std::string shown = status.ToString();
  if (status.message().empty()) Fail(rpc, absl::StrCat("an error without a message: ", shown));
  for (const std::string& field : fields) {
    if (field.empty()) Fail(rpc, absl::StrCat("a field violation names no field: ", shown));
  }
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
      if (fields.empty()) {
        Fail(rpc, absl::StrCat("INVALID_ARGUMENT without a BadRequest field: ", shown));
      }
      if (reason.empty()) Fail(rpc, absl::StrCat("INVALID_ARGUMENT without a reason: ", shown));
      break;
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kAlreadyExists:
      if (fields.empty() || reason.empty()) {
        Fail(rpc, absl::StrCat("an error without its BadRequest or ErrorReason: ", shown));
      }
      break;
    default:
      Fail(rpc, absl::StrCat("a request against a healthy store answered ", shown));
  }
}

std::vector<std::string> FieldsWithPrefix(const absl::Status& status, absl::string_view from,
                                          absl::string_view to) {
  std::vector<std::string> fields = domain::ErrorFields(status);
  for (std::string& field : fields) {
    if (absl::StartsWith(field, from)) field = absl::StrCat(to, field.substr(from.size()));
  }
  std::sort(fields.begin(), fields.end());
  return fields;
}

void QuietProtobufLogs() { google::protobuf::SetLogHandler(nullptr); }

FuzzCore& FuzzCore::Instance() {
  // Never destroyed by static destruction: Shutdown (atexit) closes the
  // store while everything it uses is still alive.
  static FuzzCore* const instance = [] {
    QuietProtobufLogs();
    auto* made = new FuzzCore();
    std::atexit(ShutdownAtExit);
    return made;
  }();
  return *instance;
}

FuzzCore::FuzzCore() : clock_(FuzzNow()) {
  if (const char* every = std::getenv("CREDITBANK_FUZZ_CHECK_EVERY"); every != nullptr) {
    (void)absl::SimpleAtoi(every, &check_every_override_);
  }
  Open();
}

void FuzzCore::Open() {
  directory_ = MakeDirectory();
  storage::StoreOptions options;
  options.path = directory_ + "/data";
  // Made here so that RocksDB does not log an error about a missing directory.
  std::error_code made;
  std::filesystem::create_directory(options.path, made);
  options.block_cache_bytes = size_t{8} << 20;
  options.write_buffer_bytes = size_t{4} << 20;
  options.memtable_budget_bytes = size_t{16} << 20;
  options.max_wal_bytes = uint64_t{16} << 20;
  std::unique_ptr<storage::Store> store = ValueOrDie(storage::Store::Open(options), "open store");
  core_ = ValueOrDie(domain::Core::Open(std::move(store), FixedKeys(), clock_), "open core");
  seeded_ = SeededState();
  SeedInstitutions(*core_, seeded_);
  SeedAccounts(*core_, seeded_);
  SeedEntries(*core_, seeded_);
  SeedPageTokens(*core_, seeded_);
}

void FuzzCore::Close() {
  core_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
  directory_.clear();
}

void FuzzCore::CheckConsistencyOrDie(absl::string_view when) {
  absl::StatusOr<ledger::v1::CheckConsistencyResponse> report =
      core_->CheckConsistency(ledger::v1::CheckConsistencyRequest());
  if (!report.ok()) Fail("CheckConsistency", absl::StrCat(when, ": ", report.status().ToString()));
  if (!report->consistent()) {
    Fail("CheckConsistency", absl::StrCat(when, ": the store is inconsistent:\n  ",
                                          absl::StrJoin(report->differences(), "\n  ")));
  }
}

void FuzzCore::AfterInput(uint64_t check_every) {
  ++inputs_;
  if (check_every_override_ > 0) check_every = check_every_override_;
  if (check_every > 0 && inputs_ % check_every == 0) CheckConsistencyOrDie("periodic check");
  if (inputs_ % kInputsPerStore == 0) {
    CheckConsistencyOrDie("before a fresh store");
    Close();
    Open();
  }
}

void FuzzCore::Tally(absl::string_view rpc, const absl::Status& status) {
  std::pair<uint64_t, uint64_t>& counts = tally_[std::string(rpc)];
  if (status.ok()) ++counts.first;
  ++counts.second;
}

void FuzzCore::Shutdown() {
  if (!core_) return;
  CheckConsistencyOrDie("at exit");
  Close();
  std::string summary;
  for (const auto& [rpc, counts] : tally_) {
    absl::StrAppend(&summary, " ", rpc, " ", counts.first, "/", counts.second);
  }
  std::fprintf(stderr, "creditbank fuzz: %llu inputs; answers OK/all:%s\n",
               static_cast<unsigned long long>(inputs_), summary.c_str());
}

}  // namespace creditbank::fuzz
