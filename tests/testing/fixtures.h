// Realistic test data: resident IDs with correct (or wrong) check
// characters, institutions with Chinese names, outcomes ready to record,
// and a Core over a real RocksDB in a temp directory.
//
//   CoreFixture fixture;                      // store + keys + fake clock
//   auto institution = fixture.AccreditedInstitution("4150013588");
//   std::string account = fixture.OpenAccount(ResidentId(1));
//   ledger::v1::Outcome outcome = CourseOutcome(account, "req-1");
#ifndef CREDITBANK_TESTS_TESTING_FIXTURES_H_
#define CREDITBANK_TESTS_TESTING_FIXTURES_H_

#include <memory>
#include <string>

#include "common/clock.h"
#include "creditbank/accounts/v1/accounts.pb.h"
#include "creditbank/institutions/v1/institutions.pb.h"
#include "creditbank/ledger/v1/ledger.pb.h"
#include "domain/core.h"
#include "tests/testing/temp_dir.h"

namespace creditbank::testing {

// 2026-07-01 12:00 in the bank's zone: the fixtures' "now".
absl::Time FixtureNow();

// A valid 18-character resident ID for person `n` (distinct n, distinct
// IDs): Chongqing region codes, birth dates 1950-2005, correct check char.
std::string ResidentId(int n);
// The same ID with a wrong check character.
std::string ResidentIdWithWrongCheck(int n);

accounts::v1::OpenAccountRequest OpenRequest(const std::string& resident_id,
                                             const std::string& name = "张伟");

// A 3-credit course, score 85/100, level 6, completed 2026-06-20.
ledger::v1::Outcome CourseOutcome(const std::string& account_number,
                                  const std::string& request_id,
                                  const std::string& code = "MATH101",
                                  const std::string& title = "高等数学（上）");

// The scope the fixtures accredit: every recordable kind, vocational and
// general higher sectors, up to level 8.
institutions::v1::AccreditationScope BroadScope();

class CoreFixture {
 public:
  CoreFixture();
  ~CoreFixture();

  domain::Core& core() { return *core_; }
  FakeClock& clock() { return clock_; }
  const TempDir& dir() const { return dir_; }
  std::string data_dir() const { return dir_.File("data"); }
  std::string key_file() const { return dir_.File("keys.json"); }

  // Registers and accredits (BroadScope) an institution in the vocational
  // sector; aborts the test on failure.
  institutions::v1::Institution AccreditedInstitution(const std::string& code,
                                                      const std::string& name = "重庆工程职业技术学院");
  // Opens an account for person n and returns its number.
  std::string OpenAccount(int n, const std::string& name = "张伟");

  // Closes and reopens the store and core (a clean restart).
  void Restart();
  // Destroys the core (and closes the store).
  void Close();

 private:
  void Open();
  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<domain::Core> core_;
};

}  // namespace creditbank::testing

#endif  // CREDITBANK_TESTS_TESTING_FIXTURES_H_
