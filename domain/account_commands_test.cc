// Account numbers derived from serials, and the open command's idempotence
// and collision handling, run through a real Sequencer and store.
#include "domain/account_commands.h"

#include <memory>
#include <set>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/clock.h"
#include "domain/validation/identity.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "tests/testing/fixtures.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace creditbank::domain {
namespace {

using ::creditbank::testing::FixtureNow;
using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;
using ::creditbank::testing::TempDir;

TEST(DeriveAccountNumberTest, MatchesAnIndependentComputation) {
  // HMAC-SHA-256(key, big-endian serial), first 8 bytes mod 9e14 plus 1e14,
  // then a Luhn digit; computed with Python's hmac module.
  const std::string key(32, 'k');
  EXPECT_EQ(DeriveAccountNumber(key, 1), 5736093655114846ULL);
  EXPECT_EQ(DeriveAccountNumber(key, 2), 5335693545787597ULL);
  EXPECT_EQ(DeriveAccountNumber(key, 1000), 3634392844158476ULL);
}

TEST(DeriveAccountNumberTest, GivesValidDistinctSixteenDigitNumbers) {
  const std::string key(32, '\x07');
  std::set<uint64_t> seen;
  for (uint64_t serial = 1; serial <= 5000; ++serial) {
    const uint64_t number = DeriveAccountNumber(key, serial);
    const std::string text = FormatAccountNumber(number);
    ASSERT_EQ(text.size(), 16u) << serial;
    ASSERT_NE(text[0], '0') << serial;
    ASSERT_EQ(CheckAccountNumber(text), "") << text;
    seen.insert(number);
  }
  EXPECT_EQ(seen.size(), 5000u);
}

TEST(DeriveAccountNumberTest, IsDeterministicPerKey) {
  const std::string key(32, '\x07');
  EXPECT_EQ(DeriveAccountNumber(key, 42), DeriveAccountNumber(key, 42));
  EXPECT_NE(DeriveAccountNumber(key, 42), DeriveAccountNumber(std::string(32, '\x08'), 42));
  EXPECT_NE(DeriveAccountNumber(key, 42), DeriveAccountNumber(key, 43));
}

class AccountCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    storage::StoreOptions options;
    options.path = dir_.File("data");
    options.block_cache_bytes = 8 << 20;
    options.write_buffer_bytes = 4 << 20;
    ASSERT_OK_AND_ASSIGN(store_, storage::Store::Open(options));
    ASSERT_OK_AND_ASSIGN(sequencer_, Sequencer::Start(*store_, clock_, leaf_hasher_));
  }
  void TearDown() override { sequencer_.reset(); }

  storage::v1::EncryptedBlob Blob() {
    storage::v1::EncryptedBlob blob;
    blob.set_key_id(1);
    blob.set_nonce(std::string(12, 'n'));
    blob.set_ciphertext("sealed 李娜");
    return blob;
  }

  TempDir dir_;
  FakeClock clock_{FixtureNow()};
  tlog::LeafHasher leaf_hasher_{std::string(32, 'k')};
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<Sequencer> sequencer_;
  const std::string number_key_ = std::string(32, 'k');
};

TEST_F(AccountCommandsTest, OpensOnceAndReturnsTheSameAccountAfterwards) {
  OpenAccountCommand first(std::string(32, 'h'), Blob(), number_key_);
  ASSERT_THAT(sequencer_->Execute(first), IsOk());
  ASSERT_THAT(first.status(), IsOk());
  EXPECT_TRUE(first.created());
  EXPECT_EQ(first.account().account_number(), "5736093655114846");  // serial 1
  EXPECT_EQ(first.account().status(), accounts::v1::ACCOUNT_STATUS_ACTIVE);
  EXPECT_EQ(first.account().identity_hmac(), std::string(32, 'h'));

  storage::v1::EncryptedBlob other = Blob();
  other.set_ciphertext("sealed 李娜 (new phone)");
  OpenAccountCommand again(std::string(32, 'h'), other, number_key_);
  ASSERT_THAT(sequencer_->Execute(again), IsOk());
  ASSERT_THAT(again.status(), IsOk());
  EXPECT_FALSE(again.created());
  EXPECT_EQ(again.account().account_number(), "5736093655114846");
  EXPECT_EQ(again.account().details().ciphertext(), "sealed 李娜");  // kept as opened
  // The second open used no serial.
  EXPECT_EQ(sequencer_->state().next_account_serial(), 2u);
}

TEST_F(AccountCommandsTest, ConcurrentOpensOfOnePersonMakeOneAccount) {
  // Whether or not the two share a group (and so one unit of work), the
  // second must see the first's identity row.
  OpenAccountCommand first(std::string(32, 'h'), Blob(), number_key_);
  OpenAccountCommand second(std::string(32, 'h'), Blob(), number_key_);
  std::thread other([&] { EXPECT_THAT(sequencer_->Execute(second), IsOk()); });
  ASSERT_THAT(sequencer_->Execute(first), IsOk());
  other.join();
  EXPECT_NE(first.created(), second.created());
  EXPECT_EQ(first.account().account_number(), second.account().account_number());
}

TEST_F(AccountCommandsTest, SkipsANumberThatIsAlreadyTaken) {
  // Occupy the number serial 1 would get.
  storage::WriteBatch batch = store_->NewBatch();
  storage::v1::AccountRecord squatter;
  squatter.set_account_number("5736093655114846");
  batch.Put(storage::Table::kAccounts, storage::AccountKey(5736093655114846ULL),
            squatter.SerializeAsString());
  ASSERT_THAT(store_->Commit(batch), IsOk());

  OpenAccountCommand open(std::string(32, 'h'), Blob(), number_key_);
  ASSERT_THAT(sequencer_->Execute(open), IsOk());
  ASSERT_THAT(open.status(), IsOk());
  EXPECT_EQ(open.account().account_number(), "5335693545787597");  // serial 2
  EXPECT_EQ(sequencer_->state().next_account_serial(), 3u);
}

TEST_F(AccountCommandsTest, IdentityRowWithoutAccountIsDataLoss) {
  storage::WriteBatch batch = store_->NewBatch();
  batch.Put(storage::Table::kIdentityIndex, std::string(32, 'h'),
            storage::AccountKey(6217000000000014ULL));
  ASSERT_THAT(store_->Commit(batch), IsOk());
  OpenAccountCommand open(std::string(32, 'h'), Blob(), number_key_);
  ASSERT_THAT(sequencer_->Execute(open), IsOk());
  EXPECT_THAT(open.status(), StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_FALSE(open.created());
}

TEST_F(AccountCommandsTest, StatusChangeOfMissingAccountIsNotFound) {
  ChangeAccountStatusCommand freeze(6217000000000014ULL, AccountTransition::kFreeze, "学员申请");
  ASSERT_THAT(sequencer_->Execute(freeze), IsOk());
  EXPECT_THAT(freeze.status(), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace creditbank::domain
