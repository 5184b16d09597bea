// RETURN_IF_ERROR and ASSIGN_OR_RETURN, which Debian's abseil (20220623)
// does not ship.
//
//   RETURN_IF_ERROR(store.Commit(batch));
//   ASSIGN_OR_RETURN(Account account, LoadAccount(number));
#ifndef CREDITBANK_COMMON_STATUS_MACROS_H_
#define CREDITBANK_COMMON_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define CREDITBANK_CONCAT_INNER_(a, b) a##b
#define CREDITBANK_CONCAT_(a, b) CREDITBANK_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::absl::Status creditbank_status_ = (expr);    \
    if (!creditbank_status_.ok()) {                \
      return creditbank_status_;                   \
    }                                              \
  } while (false)

#define ASSIGN_OR_RETURN(lhs, expr)                                        \
  CREDITBANK_ASSIGN_OR_RETURN_IMPL_(                                       \
      CREDITBANK_CONCAT_(creditbank_statusor_, __LINE__), lhs, expr)

#define CREDITBANK_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                      \
  if (!statusor.ok()) {                                        \
    return std::move(statusor).status();                       \
  }                                                            \
  lhs = std::move(statusor).value()

#endif  // CREDITBANK_COMMON_STATUS_MACROS_H_
