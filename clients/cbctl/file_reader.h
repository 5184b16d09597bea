// Reading an input file whole, with a size limit.
#ifndef CREDITBANK_CLIENTS_CBCTL_FILE_READER_H_
#define CREDITBANK_CLIENTS_CBCTL_FILE_READER_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace creditbank::cbctl {

// The bytes of `path`, read in chunks rather than by the size the file
// claims, so pipes such as /dev/stdin work too and the limit holds whatever
// the source. NOT_FOUND when it cannot be opened, INVALID_ARGUMENT (with
// `hint` appended) past `max_bytes`, DATA_LOSS on a read error.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path, size_t max_bytes,
                                          absl::string_view hint = "");

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_FILE_READER_H_
