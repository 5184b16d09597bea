#include "domain/crypto/key_ring.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "domain/crypto/primitives.h"
#include "nlohmann/json.hpp"

namespace creditbank::domain {
namespace {

constexpr absl::string_view kKeyFileFormat = "creditbank-keys-v1";
constexpr mode_t kKeyFileMode = 0600;

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::UnavailableError(
      absl::StrCat("key file ", path, ": ", what, ": ", std::strerror(errno)));
}

absl::StatusOr<std::string> DecodeKey(const nlohmann::json& value, absl::string_view name) {
  std::string decoded;
  if (!value.is_string() || !absl::Base64Unescape(value.get<std::string>(), &decoded) ||
      decoded.size() != 32) {
    return absl::DataLossError(absl::StrCat("key file: ", name, " must be 32 bytes, base64"));
  }
  return decoded;
}

absl::StatusOr<std::string> NewKeyFileContents() {
  ASSIGN_OR_RETURN(std::string hmac_secret, RandomBytes(kHmacSecretBytes));
  ASSIGN_OR_RETURN(std::string pii_key, RandomBytes(kAes256KeyBytes));
  nlohmann::json json = {
      {"format", kKeyFileFormat},
      {"identity_hmac_secret", absl::Base64Escape(hmac_secret)},
      {"pii_keys", nlohmann::json::array({{{"id", 1}, {"key", absl::Base64Escape(pii_key)}}})},
      {"active_pii_key_id", 1}};
  return json.dump(2) + "\n";
}

// Writes a new key file atomically: a temporary file (unique to this
// process) created 0600, synced, then hard-linked into place — link() fails
// when the key file already exists, so of two servers starting at once
// exactly one creates it and both then read the same keys. Directory synced.
absl::Status CreateKeyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string contents, NewKeyFileContents());
  std::filesystem::path target(path);
  std::filesystem::path directory = target.parent_path().empty() ? "." : target.parent_path();
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat("key file directory ", directory.string(), ": ",
                                               error.message()));
  }
  std::string temporary = absl::StrCat(path, ".", ::getpid(), ".tmp");
  ::unlink(temporary.c_str());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, kKeyFileMode);
  if (fd < 0) return ErrnoError("create", temporary);
  bool written = ::write(fd, contents.data(), contents.size()) ==
                     static_cast<ssize_t>(contents.size()) &&
                 ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    absl::Status status = ErrnoError("write", temporary);
    ::unlink(temporary.c_str());
    return status;
  }
  const bool linked = ::link(temporary.c_str(), path.c_str()) == 0;
  const int link_errno = errno;
  ::unlink(temporary.c_str());
  if (!linked && link_errno != EEXIST) {
    errno = link_errno;
    return ErrnoError("link", path);
  }
  int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd >= 0) {
    ::fsync(directory_fd);
    ::close(directory_fd);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<KeyRing> ParseKeyRing(const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::DataLossError("key file is not valid JSON");
  }
  // value(key, "") would throw on a non-string "format"; compare as JSON.
  const nlohmann::json format = json.value("format", nlohmann::json());
  if (!format.is_string() || format.get<std::string>() != kKeyFileFormat) {
    return absl::DataLossError(absl::StrCat("key file format must be ", kKeyFileFormat));
  }
  KeyRing ring;
  ASSIGN_OR_RETURN(ring.identity_hmac_secret,
                   DecodeKey(json.value("identity_hmac_secret", nlohmann::json()),
                             "identity_hmac_secret"));
  const nlohmann::json& keys = json.value("pii_keys", nlohmann::json());
  if (!keys.is_array() || keys.empty()) {
    return absl::DataLossError("key file: pii_keys must be a non-empty array");
  }
  for (const nlohmann::json& key : keys) {
    if (!key.is_object() || !key.contains("id") || !key["id"].is_number_unsigned() ||
        key["id"].get<uint64_t>() == 0 || key["id"].get<uint64_t>() > UINT32_MAX) {
      return absl::DataLossError("key file: each pii key needs a positive integer id");
    }
    uint32_t id = key["id"].get<uint32_t>();
    ASSIGN_OR_RETURN(std::string bytes,
                     DecodeKey(key.value("key", nlohmann::json()), "pii_keys[].key"));
    if (!ring.pii_keys.emplace(id, std::move(bytes)).second) {
      return absl::DataLossError(absl::StrCat("key file: pii key id ", id, " appears twice"));
    }
  }
  const nlohmann::json& active = json.value("active_pii_key_id", nlohmann::json());
  // Range-checked before the narrowing get<uint32_t>(), so 2^32 + 1 cannot
  // wrap around to key 1.
  if (!active.is_number_unsigned() || active.get<uint64_t>() > UINT32_MAX ||
      !ring.pii_keys.contains(active.get<uint32_t>())) {
    return absl::DataLossError("key file: active_pii_key_id must name one of pii_keys");
  }
  ring.active_pii_key_id = active.get<uint32_t>();
  return ring;
}

absl::StatusOr<KeyRing> LoadOrCreateKeyRing(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    if (errno != ENOENT) return ErrnoError("stat", path);
    RETURN_IF_ERROR(CreateKeyFile(path));
    if (::stat(path.c_str(), &info) != 0) return ErrnoError("stat", path);
  }
  if (!S_ISREG(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("key file ", path, " is not a file"));
  }
  if ((info.st_mode & 077) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "key file ", path, " has mode ", absl::StrFormat("%03o", info.st_mode & 0777),
        "; it must not be readable or writable by group or others: chmod 600 ", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError("open", path);
  std::stringstream contents;
  contents << in.rdbuf();
  return ParseKeyRing(contents.str());
}

}  // namespace creditbank::domain
