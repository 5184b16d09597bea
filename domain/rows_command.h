// Services that keep their own rows in the store (rules, transcripts)
// change them through the sequencer with a RowsCommand, so each change is
// one atomic, synced write, batched with whatever else commits with it.
#ifndef CREDITBANK_DOMAIN_ROWS_COMMAND_H_
#define CREDITBANK_DOMAIN_ROWS_COMMAND_H_

#include <functional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "domain/sequencer.h"
#include "domain/unit_of_work.h"
#include "google/protobuf/message_lite.h"
#include "storage/table.h"

namespace creditbank::domain {

// A stored message, parsed; DATA_LOSS when it does not parse.
template <typename Message>
absl::StatusOr<Message> ParseStored(absl::string_view bytes, absl::string_view what) {
  Message message;
  if (!message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("stored ", what, " does not parse"));
  }
  return message;
}

// A change to a service's own tables, as a sequencer command. The
// body reads through the UnitOfWork (seeing writes staged before it in the
// same group), checks, and only then stages its writes: a body that fails
// must have staged nothing.
class RowsCommand final : public Command {
 public:
  using Body = std::function<absl::Status(UnitOfWork&)>;
  explicit RowsCommand(Body body) : body_(std::move(body)) {}
  void Apply(UnitOfWork& work) override { result_ = body_(work); }
  absl::Status result() const override { return result_; }

 private:
  Body body_;
  absl::Status result_ = absl::InternalError("command not applied");
};

// Stages `message` as the row `key` of `table`.
inline void PutMessage(UnitOfWork& work, storage::Table table, absl::string_view key,
                       const google::protobuf::MessageLite& message) {
  work.PutRow(table, key, message.SerializeAsString());
}

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_ROWS_COMMAND_H_
