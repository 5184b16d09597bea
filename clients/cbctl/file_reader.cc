#include "clients/cbctl/file_reader.h"

#include <fstream>
#include <vector>

#include "absl/strings/str_cat.h"

namespace creditbank::cbctl {
namespace {
constexpr size_t kReadChunkBytes = size_t{1} << 16;
}  // namespace

absl::StatusOr<std::string> ReadWholeFile(const std::string& path, size_t max_bytes,
                                          absl::string_view hint) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::string bytes;
  std::vector<char> buffer(kReadChunkBytes);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) ||
         in.gcount() > 0) {
    const size_t got = static_cast<size_t>(in.gcount());
    if (bytes.size() + got > max_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, " is larger than ", max_bytes >> 20, " MiB", hint));
    }
    bytes.append(buffer.data(), got);
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  return bytes;
}

}  // namespace creditbank::cbctl
