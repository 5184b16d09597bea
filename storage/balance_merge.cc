#include "storage/balance_merge.h"

#include <string>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "rocksdb/merge_operator.h"

namespace creditbank::storage {
namespace {

class BalanceMergeOperator final : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& key, const rocksdb::Slice* existing_value,
             const rocksdb::Slice& value, std::string* new_value,
             rocksdb::Logger* logger) const override {
    v1::BalanceRecord total;
    if (existing_value != nullptr &&
        !total.ParseFromArray(existing_value->data(), static_cast<int>(existing_value->size()))) {
      return false;
    }
    v1::BalanceRecord delta;
    if (!delta.ParseFromArray(value.data(), static_cast<int>(value.size()))) return false;
    if (!AddBalance(delta, total)) return false;  // overflow: damaged data
    return total.SerializeToString(new_value);
  }
  const char* Name() const override { return "creditbank.BalanceSum"; }
};

}  // namespace

bool AddBalance(const v1::BalanceRecord& delta, v1::BalanceRecord& total) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Descriptor* descriptor = total.GetDescriptor();
  const google::protobuf::Reflection* reflection = total.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT64: {
        int64_t sum = 0;
        if (__builtin_add_overflow(reflection->GetInt64(total, field),
                                   reflection->GetInt64(delta, field), &sum)) {
          return false;
        }
        reflection->SetInt64(&total, field, sum);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        uint64_t sum = 0;
        if (__builtin_add_overflow(reflection->GetUInt64(total, field),
                                   reflection->GetUInt64(delta, field), &sum)) {
          return false;
        }
        reflection->SetUInt64(&total, field, sum);
        break;
      }
      default:
        break;  // BalanceRecord holds only 64-bit counters
    }
  }
  return true;
}

std::shared_ptr<rocksdb::MergeOperator> NewBalanceMergeOperator() {
  return std::make_shared<BalanceMergeOperator>();
}

}  // namespace creditbank::storage
