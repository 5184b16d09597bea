// Page tokens: opaque to clients, they carry the last key a page returned
// and a fingerprint of the request's filters, so a token cannot be replayed
// with other filters (INVALID_ARGUMENT).
#ifndef CREDITBANK_DOMAIN_PAGE_TOKEN_H_
#define CREDITBANK_DOMAIN_PAGE_TOKEN_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace creditbank::domain {

// `filters` is any byte string that identifies the filters (e.g. the
// serialized request with page fields cleared).
std::string EncodePageToken(absl::string_view last_key, absl::string_view filters);

// The last key, or INVALID_ARGUMENT naming `field` when the token is
// malformed or was issued for other filters. An empty token gives "".
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view filters,
                                            absl::string_view field);

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_PAGE_TOKEN_H_
