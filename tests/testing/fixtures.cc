#include "tests/testing/fixtures.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_format.h"
#include "domain/crypto/key_ring.h"
#include "domain/validation/dates.h"
#include "domain/validation/identity.h"
#include "gtest/gtest.h"
#include "storage/store.h"

namespace creditbank::testing {
namespace {

namespace common = ::creditbank::common::v1;

void Die(const absl::Status& status, const char* what) {
  std::fprintf(stderr, "fixture: %s: %s\n", what, status.ToString().c_str());
  std::abort();
}

}  // namespace

absl::Time FixtureNow() {
  return absl::FromCivil(absl::CivilSecond(2026, 7, 1, 12, 0, 0), domain::BankTimeZone());
}

std::string ResidentId(int n) {
  // Chongqing districts (500101 万州区, 500103 渝中区, ...).
  static constexpr const char* kRegions[] = {"500101", "500103", "500104", "500105", "500106"};
  const int region = n % 5;
  const absl::CivilDay birth = absl::CivilDay(1950, 1, 1) + (n * 37) % 20000;
  const int sequence = n % 1000;
  std::string body = absl::StrFormat("%s%04d%02d%02d%03d", kRegions[region], birth.year(),
                                     birth.month(), birth.day(), sequence);
  // Different n with the same region, birth day and sequence would collide;
  // n < 1000 never does, and larger n shift the birth day.
  return body + *domain::ResidentIdCheckCharacter(body);
}

std::string ResidentIdWithWrongCheck(int n) {
  std::string id = ResidentId(n);
  id.back() = id.back() == '1' ? '2' : '1';
  return id;
}

accounts::v1::OpenAccountRequest OpenRequest(const std::string& resident_id,
                                             const std::string& name) {
  accounts::v1::OpenAccountRequest request;
  request.mutable_identity()->set_resident_id(resident_id);
  request.mutable_details()->set_name(name);
  request.mutable_details()->set_phone("13800138000");
  return request;
}

ledger::v1::Outcome CourseOutcome(const std::string& account_number,
                                  const std::string& request_id, const std::string& code,
                                  const std::string& title) {
  ledger::v1::Outcome outcome;
  outcome.set_request_id(request_id);
  outcome.set_account_number(account_number);
  outcome.set_kind(common::OUTCOME_KIND_COURSE_CREDIT);
  outcome.set_code(code);
  outcome.set_title(title);
  outcome.set_credits_milli(3000);
  outcome.set_study_hours(48);
  outcome.mutable_grade()->mutable_score()->set_score_milli(85000);
  outcome.mutable_grade()->mutable_score()->set_scale_milli(100000);
  outcome.set_framework_level(6);
  outcome.set_sector(common::SECTOR_VOCATIONAL);
  *outcome.mutable_completion_date() = domain::ToDate(absl::CivilDay(2026, 6, 20));
  return outcome;
}

institutions::v1::AccreditationScope BroadScope() {
  institutions::v1::AccreditationScope scope;
  for (auto kind : {common::OUTCOME_KIND_COURSE_CREDIT, common::OUTCOME_KIND_CERTIFICATE,
                    common::OUTCOME_KIND_TRAINING_HOURS, common::OUTCOME_KIND_EXAM,
                    common::OUTCOME_KIND_PRIOR_LEARNING, common::OUTCOME_KIND_CONVERSION}) {
    scope.add_kinds(kind);
  }
  scope.add_sectors(common::SECTOR_VOCATIONAL);
  scope.add_sectors(common::SECTOR_GENERAL_HIGHER);
  scope.set_max_framework_level(8);
  return scope;
}

CoreFixture::CoreFixture() : clock_(FixtureNow()) { Open(); }
CoreFixture::~CoreFixture() { Close(); }

void CoreFixture::Open() {
  absl::StatusOr<domain::KeyRing> keys = domain::LoadOrCreateKeyRing(key_file());
  if (!keys.ok()) Die(keys.status(), "key ring");
  storage::StoreOptions options;
  options.path = data_dir();
  options.block_cache_bytes = 8 << 20;
  options.write_buffer_bytes = 4 << 20;
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(options);
  if (!store.ok()) Die(store.status(), "store");
  absl::StatusOr<std::unique_ptr<domain::Core>> core =
      domain::Core::Open(*std::move(store), *std::move(keys), clock_);
  if (!core.ok()) Die(core.status(), "core");
  core_ = *std::move(core);
}

void CoreFixture::Close() { core_.reset(); }

void CoreFixture::Restart() {
  Close();
  Open();
}

institutions::v1::Institution CoreFixture::AccreditedInstitution(const std::string& code,
                                                                 const std::string& name) {
  institutions::v1::RegisterInstitutionRequest request;
  request.set_code(code);
  request.set_name(name);
  request.set_sector(common::SECTOR_VOCATIONAL);
  absl::StatusOr<institutions::v1::Institution> registered = core_->RegisterInstitution(request);
  EXPECT_TRUE(registered.ok()) << registered.status();
  institutions::v1::AccreditInstitutionRequest accredit;
  accredit.set_code(code);
  *accredit.mutable_scope() = BroadScope();
  accredit.set_reason("渝教职成〔2026〕12号");
  absl::StatusOr<institutions::v1::Institution> accredited = core_->AccreditInstitution(accredit);
  EXPECT_TRUE(accredited.ok()) << accredited.status();
  return accredited.ok() ? *accredited : institutions::v1::Institution();
}

std::string CoreFixture::OpenAccount(int n, const std::string& name) {
  absl::StatusOr<accounts::v1::OpenAccountResponse> opened =
      core_->OpenAccount(OpenRequest(ResidentId(n), name));
  EXPECT_TRUE(opened.ok()) << opened.status();
  return opened.ok() ? opened->account().account_number() : "";
}

}  // namespace creditbank::testing
