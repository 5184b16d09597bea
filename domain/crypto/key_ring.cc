#include "domain/crypto/key_ring.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status_macros.h"
#include "domain/crypto/ec_p256.h"
#include "domain/crypto/ed25519.h"
#include "domain/crypto/primitives.h"
#include "nlohmann/json.hpp"

namespace creditbank::domain {
namespace {

constexpr absl::string_view kKeyFileFormat = "creditbank-keys-v1";
constexpr mode_t kKeyFileMode = 0600;
constexpr char kTokenKeyField[] = "token_signing_key";
constexpr char kTokenKeyIdField[] = "token_signing_key_id";
constexpr char kLogKeyField[] = "log_signing_key";
constexpr char kTranscriptKekField[] = "transcript_key_encryption_key";

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

struct TokenSigningKey {
  std::string pem;  // PKCS#8
  std::string key_id;
};

absl::StatusOr<TokenSigningKey> NewTokenSigningKey() {
  ASSIGN_OR_RETURN(EvpPkeyPtr key, GenerateEcP256Key());
  ASSIGN_OR_RETURN(std::string pem, EcP256PrivateKeyPem(*key));
  ASSIGN_OR_RETURN(std::string key_id, EcP256KeyId(*key));
  return TokenSigningKey{std::move(pem), std::move(key_id)};
}

absl::StatusOr<std::string> NewKeyFileContents() {
  ASSIGN_OR_RETURN(std::string hmac_secret, RandomBytes(kHmacSecretBytes));
  ASSIGN_OR_RETURN(std::string pii_key, RandomBytes(kAes256KeyBytes));
  ASSIGN_OR_RETURN(TokenSigningKey token_key, NewTokenSigningKey());
  ASSIGN_OR_RETURN(std::string log_seed, RandomBytes(kEd25519SeedBytes));
  ASSIGN_OR_RETURN(std::string transcript_kek, RandomBytes(kAes256KeyBytes));
  nlohmann::json json = {
      {"format", kKeyFileFormat},
      {"identity_hmac_secret", absl::Base64Escape(hmac_secret)},
      {"pii_keys", nlohmann::json::array({{{"id", 1}, {"key", absl::Base64Escape(pii_key)}}})},
      {"active_pii_key_id", 1},
      {kTokenKeyField, token_key.pem},
      {kTokenKeyIdField, token_key.key_id},
      {kLogKeyField, absl::Base64Escape(log_seed)},
      {kTranscriptKekField, absl::Base64Escape(transcript_kek)}};
  return json.dump(2) + "\n";
}

std::filesystem::path DirectoryOf(const std::filesystem::path& file) {
  return file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
}

// A rename or link is durable only once its directory is synced. Best
// effort: the file itself is already synced, and a directory that cannot
// be opened for reading cannot be synced either.
void SyncDirectory(const std::filesystem::path& directory) {
  int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory_fd >= 0) {
    ::fsync(directory_fd);
    ::close(directory_fd);
  }
}

// The temporary file a new key file is written to before it takes the
// key file's name: in the same directory (rename and link do not cross
// filesystems) and unique to this process.
std::string TemporaryPathFor(const std::string& path) {
  return absl::StrCat(path, ".", ::getpid(), ".tmp");
}

// Creates `temporary` with `mode` (never wider, whatever the umask) holding
// `contents`, synced. Removes it again when anything fails.
absl::Status WriteSyncedFile(const std::string& temporary, const std::string& contents,
                             mode_t mode) {
  ::unlink(temporary.c_str());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
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
  return absl::OkStatus();
}

// Writes a new key file atomically: a temporary file (unique to this
// process) created 0600, synced, then hard-linked into place — link() fails
// when the key file already exists, so of two servers starting at once
// exactly one creates it and both then read the same keys. Directory synced.
absl::Status CreateKeyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string contents, NewKeyFileContents());
  std::filesystem::path directory = DirectoryOf(path);
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat("key file directory ", directory.string(), ": ",
                                               error.message()));
  }
  const std::string temporary = TemporaryPathFor(path);
  RETURN_IF_ERROR(WriteSyncedFile(temporary, contents, kKeyFileMode));
  const bool linked = ::link(temporary.c_str(), path.c_str()) == 0;
  const int link_errno = errno;
  ::unlink(temporary.c_str());
  if (!linked && link_errno != EEXIST) {
    errno = link_errno;
    return ErrnoError("link", path);
  }
  SyncDirectory(directory);
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError("open", path);
  std::stringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return ErrnoError("read", path);
  return contents.str();
}

// Closes a file descriptor (and so releases its flock) on every return.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Adds a fresh token signing key to a key file written before learner
// tokens existed, keeping every other field: the new contents go to a
// synced temporary file (mode `mode`) that is renamed over the key file,
// then the directory is synced, so a crash leaves the old file or the new
// one, never a torn one. An exclusive flock on the key file orders
// servers starting at once: whoever waited re-reads the file (by name, so
// the renamed one) and finds the key already there — all of them sign
// with the same key. A symbolic link is followed, so the file it points
// to is replaced and the link stays.
// Rewrites the key file under an exclusive flock: `change` gets the file's
// current contents (JSON, and parsed) and edits the JSON; it returns false
// when there is nothing to change (another process did it meanwhile). The
// new contents go to a synced temporary file (mode `mode`) renamed over the
// key file, then the directory is synced, so a crash leaves the old file
// or the new one, never a torn one. A symbolic link is followed, so the
// file it points to is replaced and the link stays.
absl::Status RewriteKeyFile(
    const std::string& path, mode_t mode,
    const std::function<absl::StatusOr<bool>(const KeyRing&, nlohmann::json&)>& change) {
  std::error_code error;
  const std::filesystem::path canonical = std::filesystem::canonical(path, error);
  if (error) return absl::UnavailableError(absl::StrCat("key file ", path, ": ", error.message()));
  const std::string target = canonical.string();
  ScopedFd lock(::open(target.c_str(), O_RDONLY | O_CLOEXEC));
  if (lock.get() < 0) return ErrnoError("open", path);
  if (::flock(lock.get(), LOCK_EX) != 0) return ErrnoError("lock", path);

  ASSIGN_OR_RETURN(std::string contents, ReadKeyFile(target));
  ASSIGN_OR_RETURN(KeyRing ring, ParseKeyRing(contents));
  // ParseKeyRing accepted it, so it is a JSON object.
  nlohmann::json json = nlohmann::json::parse(contents, nullptr, /*allow_exceptions=*/false);
  ASSIGN_OR_RETURN(bool changed, change(ring, json));
  if (!changed) return absl::OkStatus();

  const std::string temporary = TemporaryPathFor(target);
  RETURN_IF_ERROR(WriteSyncedFile(temporary, json.dump(2) + "\n", mode));
  if (::rename(temporary.c_str(), target.c_str()) != 0) {
    absl::Status status = ErrnoError("rename", temporary);
    ::unlink(temporary.c_str());
    return status;
  }
  SyncDirectory(DirectoryOf(canonical));
  return absl::OkStatus();
}

bool HasEveryKey(const KeyRing& ring) {
  return !ring.token_signing_key_pem.empty() && !ring.log_signing_seed.empty() &&
         !ring.transcript_key_encryption_key.empty();
}

// Adds the keys that a key file written by an older build lacks (the
// learner token key, the transparency log key), keeping every other field.
// The flock orders servers starting at once: whoever waited finds the keys
// already there, so all of them sign with the same keys.
absl::Status AddMissingKeys(const std::string& path, mode_t mode) {
  return RewriteKeyFile(path, mode,
                        [](const KeyRing& ring, nlohmann::json& json) -> absl::StatusOr<bool> {
                          if (HasEveryKey(ring)) return false;  // added meanwhile
                          if (ring.token_signing_key_pem.empty()) {
                            ASSIGN_OR_RETURN(TokenSigningKey token_key, NewTokenSigningKey());
                            json[kTokenKeyField] = token_key.pem;
                            json[kTokenKeyIdField] = token_key.key_id;
                          }
                          if (ring.log_signing_seed.empty()) {
                            ASSIGN_OR_RETURN(std::string seed, RandomBytes(kEd25519SeedBytes));
                            json[kLogKeyField] = absl::Base64Escape(seed);
                          }
                          if (ring.transcript_key_encryption_key.empty()) {
                            ASSIGN_OR_RETURN(std::string kek, RandomBytes(kAes256KeyBytes));
                            json[kTranscriptKekField] = absl::Base64Escape(kek);
                          }
                          return true;
                        });
}

absl::Status ParseTokenSigningKey(const nlohmann::json& json, KeyRing& ring) {
  const nlohmann::json pem = json.value(kTokenKeyField, nlohmann::json());
  const nlohmann::json key_id = json.value(kTokenKeyIdField, nlohmann::json());
  if (pem.is_null() && key_id.is_null()) return absl::OkStatus();  // predates learner tokens
  // The parser's own error could quote what it read; say only which field.
  if (!pem.is_string() || !ParseEcP256PrivateKeyPem(pem.get<std::string>()).ok()) {
    return absl::DataLossError(
        "key file: token_signing_key must be an EC P-256 private key in PEM (PKCS#8)");
  }
  if (!key_id.is_string() || !IsWellFormedTokenKeyId(key_id.get<std::string>())) {
    return absl::DataLossError(absl::StrCat("key file: token_signing_key_id must be 1 to ",
                                            kMaxTokenKeyIdLength,
                                            " characters of A-Z, a-z, 0-9, '-' and '_'"));
  }
  ring.token_signing_key_pem = pem.get<std::string>();
  ring.token_signing_key_id = key_id.get<std::string>();
  return absl::OkStatus();
}

}  // namespace

bool IsWellFormedTokenKeyId(absl::string_view key_id) {
  if (key_id.empty() || key_id.size() > kMaxTokenKeyIdLength) return false;
  for (char c : key_id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

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
  RETURN_IF_ERROR(ParseTokenSigningKey(json, ring));
  const nlohmann::json log_key = json.value(kLogKeyField, nlohmann::json());
  if (!log_key.is_null()) {  // null: predates the transparency log
    ASSIGN_OR_RETURN(ring.log_signing_seed, DecodeKey(log_key, kLogKeyField));
  }
  const nlohmann::json kek = json.value(kTranscriptKekField, nlohmann::json());
  if (!kek.is_null()) {  // null: predates transcripts
    ASSIGN_OR_RETURN(ring.transcript_key_encryption_key, DecodeKey(kek, kTranscriptKekField));
  }
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
  ASSIGN_OR_RETURN(std::string contents, ReadKeyFile(path));
  ASSIGN_OR_RETURN(KeyRing ring, ParseKeyRing(contents));
  if (HasEveryKey(ring)) return ring;

  // Written by an older build: add the signing keys it lacks, keeping the
  // owner's permission bits (a file made read-only stays read-only), then
  // read back what is now on disk.
  RETURN_IF_ERROR(AddMissingKeys(path, info.st_mode & kKeyFileMode));
  ASSIGN_OR_RETURN(contents, ReadKeyFile(path));
  ASSIGN_OR_RETURN(ring, ParseKeyRing(contents));
  if (!HasEveryKey(ring)) {
    return absl::UnavailableError(
        absl::StrCat("key file ", path, ": a signing key added to it is gone; was the "
                     "file replaced while the server started?"));
  }
  return ring;
}

absl::StatusOr<uint32_t> RotatePiiKey(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no key file ", path));
    return ErrnoError("stat", path);
  }
  // Checks the file's type and mode, and that it parses.
  RETURN_IF_ERROR(LoadOrCreateKeyRing(path).status());
  uint32_t new_id = 0;
  RETURN_IF_ERROR(RewriteKeyFile(
      path, info.st_mode & kKeyFileMode,
      [&new_id](const KeyRing& ring, nlohmann::json& json) -> absl::StatusOr<bool> {
        if (ring.pii_keys.size() >= kMaxPiiKeys) {
          return absl::FailedPreconditionError(absl::StrCat(
              "the key file already holds ", kMaxPiiKeys,
              " PII keys; re-encrypt and retire old ones before adding more"));
        }
        new_id = ring.pii_keys.rbegin()->first + 1;
        ASSIGN_OR_RETURN(std::string key, RandomBytes(kAes256KeyBytes));
        json["pii_keys"].push_back({{"id", new_id}, {"key", absl::Base64Escape(key)}});
        json["active_pii_key_id"] = new_id;
        return true;
      }));
  return new_id;
}

}  // namespace creditbank::domain
