// Balances are written as deltas and summed by RocksDB (a merge operator),
// so recording an entry never has to read its balance first: the hottest
// read of the write path disappears, and the memtable no longer piles up
// rewritten copies of the same balance row.
//
//   batch.Merge(Table::kBalances, BalanceKey(account, sector, level),
//               delta.SerializeAsString());   // delta: a BalanceRecord
//
// A read (Get or a cursor) sees the sum of every delta ever merged.
#ifndef CREDITBANK_STORAGE_BALANCE_MERGE_H_
#define CREDITBANK_STORAGE_BALANCE_MERGE_H_

#include <memory>

#include "creditbank/storage/v1/records.pb.h"

namespace rocksdb {
class MergeOperator;
}

namespace creditbank::storage {

// Adds every 64-bit integer field of `delta` into `total` (by reflection,
// so a counter added to BalanceRecord is summed too). False when a sum
// would overflow, which only damaged data can cause.
[[nodiscard]] bool AddBalance(const v1::BalanceRecord& delta, v1::BalanceRecord& total);

// The merge operator of the balances table. A delta that does not parse
// fails the merge, which RocksDB reports as corruption (DATA_LOSS).
std::shared_ptr<rocksdb::MergeOperator> NewBalanceMergeOperator();

}  // namespace creditbank::storage

#endif  // CREDITBANK_STORAGE_BALANCE_MERGE_H_
