// CheckConsistency: a real workload checks clean (before and after a
// restart); each kind of damage written behind the core's back, directly
// through storage::Store on its data directory, is reported.
#include "domain/consistency_check.h"

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/core.h"
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

namespace common = ::creditbank::common::v1;
using ::creditbank::testing::BatchRequest;
using ::creditbank::testing::CoreFixture;
using ::creditbank::testing::CourseOutcome;
using ::creditbank::testing::EntryRequest;
using ::creditbank::testing::IsOk;
using ::creditbank::testing::RecordRequest;
using ::creditbank::testing::ReverseRequest;
using ::creditbank::testing::StatusIs;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr char kCollege[] = "4150013588";

// Accounts and entries the workload leaves behind.
struct Workload {
  std::string first;   // entries 1, 2, 3 (reversal of 2), 4 (conversion of 1)
  std::string second;  // entries 5, 6 (certificate valid until 2027-06-30)
  std::string third;   // no entries
};

Workload RunWorkload(CoreFixture& fixture) {
  Workload workload;
  fixture.AccreditedInstitution(kCollege);
  workload.first = fixture.OpenAccount(1, "李娜");
  workload.second = fixture.OpenAccount(2, "王强");
  workload.third = fixture.OpenAccount(3, "陈静");
  Core& core = fixture.core();
  EXPECT_THAT(core.RecordOutcomes(BatchRequest(
                  kCollege,
                  {CourseOutcome(workload.first, "w-1"),
                   CourseOutcome(workload.first, "w-2", "ENG201", "大学英语（一）")},
                  /*atomic=*/true)),
              IsOk());
  EXPECT_THAT(core.ReverseEntry(ReverseRequest(kCollege, "w-fix-2", workload.first, 2)), IsOk());
  ledger::v1::Outcome conversion =
      CourseOutcome(workload.first, "w-conv", "CONV-SE201", "软件工程（学分转换）");
  conversion.set_kind(common::OUTCOME_KIND_CONVERSION);
  conversion.add_source_entry_ids(1);
  EXPECT_THAT(core.RecordOutcome(RecordRequest(kCollege, conversion)), IsOk());
  EXPECT_THAT(core.RecordOutcome(RecordRequest(kCollege, CourseOutcome(workload.second, "w-5"))),
              IsOk());
  ledger::v1::Outcome certificate =
      CourseOutcome(workload.second, "w-6", "1X-BIM", "建筑信息模型（BIM）职业技能等级证书");
  certificate.set_kind(common::OUTCOME_KIND_CERTIFICATE);
  certificate.set_framework_level(4);
  *certificate.mutable_valid_until() = ToDate(absl::CivilDay(2027, 6, 30));
  EXPECT_THAT(core.RecordOutcome(RecordRequest(kCollege, certificate)), IsOk());
  return workload;
}

uint64_t Number(const std::string& account) { return *ParseAccountNumber(account); }

// Closes the core, lets `tamper` write to its store directly, reopens.
void Tamper(CoreFixture& fixture, const std::function<void(storage::Store&)>& tamper) {
  fixture.Close();
  storage::StoreOptions options;
  options.path = fixture.data_dir();
  options.block_cache_bytes = 8 << 20;
  options.write_buffer_bytes = 4 << 20;
  absl::StatusOr<std::unique_ptr<storage::Store>> store = storage::Store::Open(options);
  ASSERT_THAT(store, IsOk());
  tamper(**store);
  store->reset();
  fixture.Restart();
}

void Put(storage::Store& store, storage::Table table, const std::string& key,
         const std::string& value) {
  storage::WriteBatch batch = store.NewBatch();
  batch.Put(table, key, value);
  ASSERT_THAT(store.Commit(batch), IsOk());
}

void Delete(storage::Store& store, storage::Table table, const std::string& key) {
  storage::WriteBatch batch = store.NewBatch();
  batch.Delete(table, key);
  ASSERT_THAT(store.Commit(batch), IsOk());
}

TEST(ConsistencyCheckTest, WorkloadIsConsistentBeforeAndAfterRestart) {
  CoreFixture fixture;
  RunWorkload(fixture);
  ASSERT_OK_AND_ASSIGN(ledger::v1::CheckConsistencyResponse check,
                       fixture.core().CheckConsistency({}));
  EXPECT_TRUE(check.consistent()) << check.DebugString();
  EXPECT_EQ(check.differences_size(), 0);
  EXPECT_EQ(check.entries_checked(), 6u);
  EXPECT_EQ(check.accounts_checked(), 3u);

  fixture.Restart();
  ASSERT_OK_AND_ASSIGN(check, fixture.core().CheckConsistency({}));
  EXPECT_TRUE(check.consistent()) << check.DebugString();
  EXPECT_EQ(check.entries_checked(), 6u);

  // Past the certificate's validity: expiry is computed, not stored, so
  // the check still agrees.
  fixture.clock().Advance(absl::Hours(24 * 400));
  ASSERT_OK_AND_ASSIGN(check, fixture.core().CheckConsistency({}));
  EXPECT_TRUE(check.consistent()) << check.DebugString();
}

TEST(ConsistencyCheckTest, EmptyStoreIsConsistent) {
  CoreFixture fixture;
  ASSERT_OK_AND_ASSIGN(ledger::v1::CheckConsistencyResponse check,
                       fixture.core().CheckConsistency({}));
  EXPECT_TRUE(check.consistent());
  EXPECT_EQ(check.entries_checked(), 0u);
  EXPECT_EQ(check.accounts_checked(), 0u);
}

struct DamageCase {
  std::string name;
  std::function<void(storage::Store&, const Workload&)> damage;
  std::vector<std::string> expected;  // substrings, each of some difference
};

std::string BalanceBytes(storage::Store& store, uint64_t account, uint32_t sector,
                         uint32_t level) {
  absl::StatusOr<std::optional<std::string>> bytes =
      store.Get(storage::Table::kBalances, storage::BalanceKey(account, sector, level));
  EXPECT_THAT(bytes, IsOk());
  EXPECT_TRUE(bytes.ok() && bytes->has_value());
  return bytes.ok() && bytes->has_value() ? **bytes : "";
}

TEST(ConsistencyCheckTest, ReportsEachKindOfDamage) {
  const std::vector<DamageCase> cases = {
      {"balance row with extra credits",
       [](storage::Store& store, const Workload& w) {
         storage::v1::BalanceRecord record;
         ASSERT_TRUE(record.ParseFromString(BalanceBytes(store, Number(w.first), 2, 6)));
         record.set_recorded_credits_milli(record.recorded_credits_milli() + 1000);
         Put(store, storage::Table::kBalances, storage::BalanceKey(Number(w.first), 2, 6),
             record.SerializeAsString());
       },
       {"sector 2 level 6: stored {recorded_credits_milli: 7000",
        "} but the entries give {recorded_credits_milli: 6000"}},
      {"balance row deleted",
       [](storage::Store& store, const Workload& w) {
         Delete(store, storage::Table::kBalances, storage::BalanceKey(Number(w.second), 2, 4));
       },
       {"sector 2 level 4: no stored balance, the entries give {"}},
      {"balance row of an account without entries",
       [](storage::Store& store, const Workload& w) {
         Put(store, storage::Table::kBalances, storage::BalanceKey(Number(w.third), 2, 6),
             storage::v1::BalanceRecord().SerializeAsString());
       },
       {"a balance of account ", " exists without any entry"}},
      {"balance bucket with no entries behind it",
       [](storage::Store& store, const Workload& w) {
         storage::v1::BalanceRecord record;
         record.set_recorded_credits_milli(5000);
         Put(store, storage::Table::kBalances, storage::BalanceKey(Number(w.first), 1, 7),
             record.SerializeAsString());
       },
       {"sector 1 level 7: stored balance has no entries behind it"}},
      {"balance delta that does not decode",
       [](storage::Store& store, const Workload& w) {
         storage::WriteBatch batch = store.NewBatch();
         batch.Merge(storage::Table::kBalances, storage::BalanceKey(Number(w.first), 2, 6),
                     "\xff\xff not a delta");
         ASSERT_THAT(store.Commit(batch), IsOk());
       },
       {"cannot be read"}},
      {"account index row deleted",
       [](storage::Store& store, const Workload& w) {
         Delete(store, storage::Table::kAccountEntries,
                storage::AccountEntryKey(Number(w.second), 5));
       },
       {"entry 5 is missing from its account's index"}},
      {"expiry record deleted",
       [](storage::Store& store, const Workload& w) {
         Delete(store, storage::Table::kExpiry, storage::ExpiryKey(Number(w.second), 6));
       },
       {"entry 6 has a valid_until but no expiry record"}},
      {"expiry record for an entry without valid_until",
       [](storage::Store& store, const Workload& w) {
         storage::v1::ExpiryRecord record;
         record.set_valid_until_day(DaysSinceEpoch(absl::CivilDay(2026, 7, 2)));
         record.set_credits_milli(3000);
         Put(store, storage::Table::kExpiry, storage::ExpiryKey(Number(w.second), 5),
             record.SerializeAsString());
       },
       {"unexpected expiry record for entry 5"}},
      {"idempotency record deleted",
       [](storage::Store& store, const Workload&) {
         Delete(store, storage::Table::kIdempotency, storage::IdempotencyKey(kCollege, "w-1"));
       },
       {"entry 1 has no matching idempotency record"}},
      {"idempotency record pointing elsewhere",
       [](storage::Store& store, const Workload&) {
         storage::v1::IdempotencyRecord record;
         record.set_entry_id(5);
         Put(store, storage::Table::kIdempotency, storage::IdempotencyKey(kCollege, "w-1"),
             record.SerializeAsString());
       },
       {"entry 1 has no matching idempotency record",
        "idempotency record for entry 5 does not match that entry"}},
      {"reversal index row deleted",
       [](storage::Store& store, const Workload&) {
         Delete(store, storage::Table::kReversals, storage::EntryKey(2));
       },
       {"reversal 3 is missing from the reversal index"}},
      {"identity index row deleted",
       [](storage::Store& store, const Workload& w) {
         absl::StatusOr<std::optional<std::string>> bytes =
             store.Get(storage::Table::kAccounts, storage::AccountKey(Number(w.third)));
         storage::v1::AccountRecord record;
         ASSERT_TRUE(bytes.ok() && bytes->has_value() && record.ParseFromString(**bytes));
         Delete(store, storage::Table::kIdentityIndex, record.identity_hmac());
       },
       {"is missing from the identity index"}},
      {"account record deleted",
       [](storage::Store& store, const Workload& w) {
         Delete(store, storage::Table::kAccounts, storage::AccountKey(Number(w.second)));
       },
       {" has entries but no account record",
        "an identity index row names no matching account"}},
      {"entry bytes damaged",
       [](storage::Store& store, const Workload&) {
         Put(store, storage::Table::kEntries, storage::EntryKey(5), "\xff\xff damaged");
       },
       {"entry at position 5 is damaged", "account ", "indexes entry 5, which is missing"}},
      {"entry moved to another account",
       [](storage::Store& store, const Workload& w) {
         absl::StatusOr<std::optional<std::string>> bytes =
             store.Get(storage::Table::kEntries, storage::EntryKey(5));
         ledger::v1::Entry entry;
         ASSERT_TRUE(bytes.ok() && bytes->has_value() && entry.ParseFromString(**bytes));
         entry.mutable_outcome()->set_account_number(w.first);
         Put(store, storage::Table::kEntries, storage::EntryKey(5), entry.SerializeAsString());
       },
       {"indexes entry 5 of another account", "entry 5 is missing from its account's index"}},
  };
  for (const DamageCase& c : cases) {
    SCOPED_TRACE(c.name);
    CoreFixture fixture;
    const Workload workload = RunWorkload(fixture);
    Tamper(fixture, [&](storage::Store& store) { c.damage(store, workload); });
    ASSERT_OK_AND_ASSIGN(ledger::v1::CheckConsistencyResponse check,
                         fixture.core().CheckConsistency({}));
    EXPECT_FALSE(check.consistent());
    for (const std::string& expected : c.expected) {
      EXPECT_THAT(check.differences(), Contains(HasSubstr(expected)))
          << "missing '" << expected << "' in " << check.DebugString();
    }
  }
}

TEST(ConsistencyCheckTest, DamagedEntryIsNeverServed) {
  CoreFixture fixture;
  RunWorkload(fixture);
  Tamper(fixture, [](storage::Store& store) {
    Put(store, storage::Table::kEntries, storage::EntryKey(5), "\xff\xff damaged");
  });
  EXPECT_THAT(fixture.core().GetEntry(EntryRequest(5)), StatusIs(absl::StatusCode::kDataLoss));
}

TEST(ConsistencyCheckTest, SequencerCounterBehindTheEntriesIsReported) {
  // The Core refuses to start on such a store (see sequencer_test.cc), so
  // the check runs on the store directly, as creditbankd --check does.
  CoreFixture fixture;
  RunWorkload(fixture);
  fixture.Close();
  storage::StoreOptions options;
  options.path = fixture.data_dir();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<storage::Store> store, storage::Store::Open(options));
  storage::v1::SequencerState state;
  state.set_next_entry_id(100);
  Put(*store, storage::Table::kMeta, std::string(storage::kSequencerStateKey), state.SerializeAsString());
  ASSERT_OK_AND_ASSIGN(ConsistencyReport report, CheckConsistency(*store, nullptr));
  EXPECT_FALSE(report.consistent());
  EXPECT_THAT(report.differences,
              Contains(HasSubstr("sequencer's next entry id is 100, entries end at 6")));
}

TEST(ConsistencyCheckTest, ReportListsAtMostOneHundredDifferences) {
  CoreFixture fixture;
  RunWorkload(fixture);
  fixture.Close();
  storage::StoreOptions options;
  options.path = fixture.data_dir();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<storage::Store> store, storage::Store::Open(options));
  storage::WriteBatch batch = store->NewBatch();
  for (uint64_t n = 0; n < 150; ++n) {
    batch.Put(storage::Table::kBalances, storage::BalanceKey(1000000000000008ULL + n, 2, 6),
              storage::v1::BalanceRecord().SerializeAsString());
  }
  ASSERT_THAT(store->Commit(batch), IsOk());
  ASSERT_OK_AND_ASSIGN(ConsistencyReport report, CheckConsistency(*store, nullptr));
  EXPECT_EQ(report.difference_count, 150u);
  EXPECT_EQ(report.differences.size(), 100u);
  EXPECT_FALSE(report.consistent());
  EXPECT_EQ(report.entries_checked, 6u);
}

TEST(ConsistencyCheckTest, ReadOnlyStoreOfAStoppedServerChecksClean) {
  CoreFixture fixture;
  RunWorkload(fixture);
  fixture.Close();
  storage::StoreOptions options;
  options.path = fixture.data_dir();
  options.read_only = true;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<storage::Store> store, storage::Store::Open(options));
  ASSERT_OK_AND_ASSIGN(KeyRing keys, LoadOrCreateKeyRing(fixture.key_file()));
  const tlog::LeafHasher hasher(tlog::LeafSaltKey(keys.identity_hmac_secret));
  ASSERT_OK_AND_ASSIGN(ConsistencyReport report, CheckConsistency(*store, &hasher));
  EXPECT_TRUE(report.consistent()) << ::testing::PrintToString(report.differences);
  EXPECT_EQ(report.entries_checked, 6u);
  EXPECT_EQ(report.accounts_checked, 3u);
}

// An entry changed after it was logged (here its title, which no balance
// or index shows) no longer matches the log; nor does a changed node or
// a committed head that is not the entries' tree.
TEST(ConsistencyCheckTest, TheLogIsRebuiltFromTheEntriesAndComparedNodeByNode) {
  CoreFixture fixture;
  RunWorkload(fixture);
  ASSERT_OK_AND_ASSIGN(KeyRing keys, LoadOrCreateKeyRing(fixture.key_file()));
  fixture.Close();
  storage::StoreOptions options;
  options.path = fixture.data_dir();
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<storage::Store> store, storage::Store::Open(options));
  const tlog::LeafHasher hasher(tlog::LeafSaltKey(keys.identity_hmac_secret));
  ASSERT_OK_AND_ASSIGN(ConsistencyReport clean, CheckConsistency(*store, &hasher));
  ASSERT_TRUE(clean.consistent()) << ::testing::PrintToString(clean.differences);

  ASSERT_OK_AND_ASSIGN(std::optional<std::string> bytes,
                       store->Get(storage::Table::kEntries, storage::EntryKey(5)));
  ledger::v1::Entry entry;
  ASSERT_TRUE(bytes.has_value() && entry.ParseFromString(*bytes));
  entry.mutable_outcome()->set_title("篡改后的课程名称");
  Put(*store, storage::Table::kEntries, storage::EntryKey(5), entry.SerializeAsString());
  ASSERT_OK_AND_ASSIGN(ConsistencyReport changed_entry, CheckConsistency(*store, &hasher));
  EXPECT_THAT(changed_entry.differences,
              Contains(HasSubstr("transparency log node 1/2 differs from the entries' leaves")));
  EXPECT_THAT(changed_entry.differences,
              Contains(HasSubstr("the transparency log's committed head (6 leaves) is not")));
  // Without the key file's secret the log is not checked.
  ASSERT_OK_AND_ASSIGN(ConsistencyReport unchecked, CheckConsistency(*store, nullptr));
  EXPECT_TRUE(unchecked.consistent()) << ::testing::PrintToString(unchecked.differences);

  Put(*store, storage::Table::kEntries, storage::EntryKey(5), *bytes);  // put back
  Put(*store, storage::Table::kLog, storage::LogNodeKey(2, 0), std::string(32, 'x'));
  ASSERT_OK_AND_ASSIGN(ConsistencyReport changed_node, CheckConsistency(*store, &hasher));
  EXPECT_EQ(changed_node.difference_count, 1u);
  EXPECT_THAT(changed_node.differences, Contains(HasSubstr("transparency log node 2/0 differs")));
}

}  // namespace
}  // namespace creditbank::domain
