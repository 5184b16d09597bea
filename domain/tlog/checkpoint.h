// Signed tree heads as C2SP tlog-checkpoints in C2SP signed notes
// (c2sp.org/tlog-checkpoint, c2sp.org/signed-note), signed with Ed25519, so
// that existing checkpoint tooling (Go's golang.org/x/mod/sumdb/note,
// transparency-dev/formats) reads them:
//
//   creditbank.example/log            <- origin (also the key name)
//   8                                  <- tree size, decimal
//   XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=   <- root hash, base64
//                                      <- blank line
//   — creditbank.example/log w94Mlv...  <- "— " name " " base64(key id || signature)
//
// The signature covers the note text (the three lines, final newline
// included). The key id is the first 4 bytes of SHA-256(name || "\n" ||
// 0x01 || public key), 0x01 being Ed25519's signature type.
#ifndef CREDITBANK_DOMAIN_TLOG_CHECKPOINT_H_
#define CREDITBANK_DOMAIN_TLOG_CHECKPOINT_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/crypto/ec_p256.h"  // EvpPkeyPtr

namespace creditbank::domain::tlog {

// A note longer than this, or with more signature lines, is refused unread.
inline constexpr size_t kMaxNoteBytes = 16 * 1024;
inline constexpr size_t kMaxNoteSignatures = 100;
inline constexpr unsigned char kEd25519SignatureType = 0x01;

struct Checkpoint {
  std::string origin;
  uint64_t tree_size = 0;
  std::string root_hash;  // 32 bytes
};

// "<origin>\n<size>\n<base64 root>\n".
std::string CheckpointText(const Checkpoint& checkpoint);
// The checkpoint in a note text, whose origin must be `origin`: canonical
// decimal size, a base64 root of exactly 32 bytes; extension lines are
// refused. INVALID_ARGUMENT saying what is wrong.
absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view text, absl::string_view origin);

// The 4-byte key id of an Ed25519 note key.
uint32_t NoteKeyId(absl::string_view name, absl::string_view public_key);

// A note verifier key: "<name>+<key id, 8 hex>+<base64(0x01 || public key)>".
struct NoteVerifierKey {
  std::string name;
  uint32_t key_id = 0;
  std::string public_key;  // 32 bytes
};
absl::StatusOr<NoteVerifierKey> ParseNoteVerifierKey(absl::string_view text);
std::string FormatNoteVerifierKey(const NoteVerifierKey& key);

// Signs note texts with one Ed25519 key under one name (the log's origin).
class NoteSigner {
 public:
  // `name`: non-empty, no spaces, no '+'; `seed`: the 32-byte Ed25519 seed.
  static absl::StatusOr<NoteSigner> Create(std::string name, absl::string_view seed);
  const NoteVerifierKey& verifier_key() const { return verifier_; }
  // The whole signed note for `text` (lines ending in "\n").
  absl::StatusOr<std::string> Sign(absl::string_view text) const;

 private:
  NoteSigner(EvpPkeyPtr key, NoteVerifierKey verifier)
      : key_(std::move(key)), verifier_(std::move(verifier)) {}
  EvpPkeyPtr key_;
  NoteVerifierKey verifier_;
};

// The text of a signed note carrying a valid signature by `key`.
// Signatures by other keys are ignored (witnesses, rotation); a bad
// signature by `key` refuses the note. INVALID_ARGUMENT (malformed) or
// UNAUTHENTICATED (no valid signature by `key`).
absl::StatusOr<std::string> OpenNote(absl::string_view note, const NoteVerifierKey& key);

}  // namespace creditbank::domain::tlog

#endif  // CREDITBANK_DOMAIN_TLOG_CHECKPOINT_H_
