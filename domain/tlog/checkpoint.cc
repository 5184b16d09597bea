#include "domain/tlog/checkpoint.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "domain/crypto/ed25519.h"
#include "domain/crypto/primitives.h"
#include "domain/tlog/merkle.h"

namespace creditbank::domain::tlog {
namespace {

constexpr absl::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, space

// Strict standard base64 with padding: only the canonical encoding of the
// bytes it decodes to is accepted.
std::optional<std::string> DecodeBase64(absl::string_view text) {
  std::string bytes;
  if (!absl::Base64Unescape(text, &bytes) || absl::Base64Escape(bytes) != text) {
    return std::nullopt;
  }
  return bytes;
}

absl::Status CheckKeyName(absl::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("a note key name must not be empty");
  for (char c : name) {
    if (c == '+' || absl::ascii_isspace(static_cast<unsigned char>(c))) {
      return absl::InvalidArgumentError("a note key name has no '+' and no spaces");
    }
  }
  return absl::OkStatus();
}

// Printable text: valid UTF-8 is checked by the caller's parsing; here no
// control character but "\n".
bool HasOnlyTextBytes(absl::string_view note) {
  for (unsigned char c : note) {
    if (c < 0x20 && c != '\n') return false;
  }
  return true;
}

}  // namespace

std::string CheckpointText(const Checkpoint& checkpoint) {
  return absl::StrCat(checkpoint.origin, "\n", checkpoint.tree_size, "\n",
                      absl::Base64Escape(checkpoint.root_hash), "\n");
}

absl::StatusOr<Checkpoint> ParseCheckpoint(absl::string_view text, absl::string_view origin) {
  if (!absl::EndsWith(text, "\n")) {
    return absl::InvalidArgumentError("a checkpoint's text ends with a newline");
  }
  std::vector<absl::string_view> lines =
      absl::StrSplit(text.substr(0, text.size() - 1), '\n');
  if (lines.size() != 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a checkpoint has 3 lines (origin, size, root hash), this one ", lines.size()));
  }
  if (lines[0] != origin) {
    return absl::InvalidArgumentError(
        absl::StrCat("the checkpoint is of log \"", absl::CHexEscape(lines[0]),
                     "\", not \"", origin, "\""));
  }
  Checkpoint checkpoint;
  checkpoint.origin = std::string(lines[0]);
  const absl::string_view size = lines[1];
  const bool canonical = !size.empty() && size.size() <= 20 &&
                         std::all_of(size.begin(), size.end(), absl::ascii_isdigit) &&
                         (size == "0" || size[0] != '0');
  if (!canonical || !absl::SimpleAtoi(size, &checkpoint.tree_size)) {
    return absl::InvalidArgumentError("the checkpoint's tree size is not a canonical decimal");
  }
  std::optional<std::string> root = DecodeBase64(lines[2]);
  if (!root || root->size() != kHashBytes) {
    return absl::InvalidArgumentError("the checkpoint's root hash is not 32 bytes in base64");
  }
  checkpoint.root_hash = *std::move(root);
  return checkpoint;
}

uint32_t NoteKeyId(absl::string_view name, absl::string_view public_key) {
  std::string input(name);
  input.push_back('\n');
  input.push_back(static_cast<char>(kEd25519SignatureType));
  input.append(public_key.data(), public_key.size());
  const std::string digest = Sha256(input);
  uint32_t id = 0;
  for (int i = 0; i < 4; ++i) id = (id << 8) | static_cast<unsigned char>(digest[i]);
  return id;
}

absl::StatusOr<NoteVerifierKey> ParseNoteVerifierKey(absl::string_view text) {
  // The name and the key id hold no '+'; the base64 key may (as Go's
  // note.NewVerifier, cut at the first two).
  std::vector<absl::string_view> parts = absl::StrSplit(text, absl::MaxSplits('+', 2));
  if (parts.size() != 3) {
    return absl::InvalidArgumentError("a note verifier key is name+keyid+base64key");
  }
  RETURN_IF_ERROR(CheckKeyName(parts[0]));
  NoteVerifierKey key;
  key.name = std::string(parts[0]);
  if (parts[1].size() != 8 ||
      !std::all_of(parts[1].begin(), parts[1].end(),
                   [](char c) { return absl::ascii_isxdigit(c) && !absl::ascii_isupper(c); }) ||
      !absl::SimpleHexAtoi(parts[1], &key.key_id)) {
    return absl::InvalidArgumentError("a note verifier key's id is 8 lower-case hex digits");
  }
  std::optional<std::string> encoded = DecodeBase64(parts[2]);
  if (!encoded || encoded->size() != 1 + kEd25519PublicKeyBytes ||
      static_cast<unsigned char>((*encoded)[0]) != kEd25519SignatureType) {
    return absl::InvalidArgumentError("a note verifier key holds 0x01 and a 32-byte Ed25519 key");
  }
  key.public_key = encoded->substr(1);
  if (NoteKeyId(key.name, key.public_key) != key.key_id) {
    return absl::InvalidArgumentError("the note verifier key's id does not match its key");
  }
  return key;
}

std::string FormatNoteVerifierKey(const NoteVerifierKey& key) {
  std::string encoded(1, static_cast<char>(kEd25519SignatureType));
  encoded += key.public_key;
  return absl::StrFormat("%s+%08x+%s", key.name, key.key_id, absl::Base64Escape(encoded));
}

absl::StatusOr<NoteSigner> NoteSigner::Create(std::string name, absl::string_view seed) {
  RETURN_IF_ERROR(CheckKeyName(name));
  ASSIGN_OR_RETURN(EvpPkeyPtr key, Ed25519KeyFromSeed(seed));
  NoteVerifierKey verifier;
  ASSIGN_OR_RETURN(verifier.public_key, Ed25519PublicKey(*key));
  verifier.key_id = NoteKeyId(name, verifier.public_key);
  verifier.name = std::move(name);
  return NoteSigner(std::move(key), std::move(verifier));
}

absl::StatusOr<std::string> NoteSigner::Sign(absl::string_view text) const {
  if (text.empty() || !absl::EndsWith(text, "\n") || absl::StrContains(text, "\n\n") ||
      !HasOnlyTextBytes(text)) {
    return absl::InvalidArgumentError("a note text is lines of text, each ending in a newline");
  }
  ASSIGN_OR_RETURN(std::string signature, Ed25519Sign(*key_, text));
  std::string blob;
  for (int shift = 24; shift >= 0; shift -= 8) {
    blob.push_back(static_cast<char>(verifier_.key_id >> shift));
  }
  blob += signature;
  return absl::StrCat(text, "\n", kSignaturePrefix, verifier_.name, " ",
                      absl::Base64Escape(blob), "\n");
}

absl::StatusOr<std::string> OpenNote(absl::string_view note, const NoteVerifierKey& key) {
  if (note.size() > kMaxNoteBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("a note has at most ", kMaxNoteBytes, " bytes"));
  }
  if (!HasOnlyTextBytes(note)) {
    return absl::InvalidArgumentError("a note holds no control characters but newlines");
  }
  // The text ends at the last blank line; signature lines follow.
  const size_t split = note.rfind("\n\n");
  if (split == absl::string_view::npos || !absl::EndsWith(note, "\n")) {
    return absl::InvalidArgumentError("a signed note is text, a blank line and signatures");
  }
  const absl::string_view text = note.substr(0, split + 1);
  absl::string_view signatures = note.substr(split + 2);
  signatures.remove_suffix(1);
  std::vector<absl::string_view> lines = absl::StrSplit(signatures, '\n');
  if (lines.empty() || lines.size() > kMaxNoteSignatures) {
    return absl::InvalidArgumentError(
        absl::StrCat("a signed note has 1 to ", kMaxNoteSignatures, " signature lines"));
  }
  bool verified = false;
  for (absl::string_view line : lines) {
    if (!absl::ConsumePrefix(&line, kSignaturePrefix)) {
      return absl::InvalidArgumentError("a signature line starts with \"— \"");
    }
    const size_t space = line.find(' ');
    if (space == absl::string_view::npos) {
      return absl::InvalidArgumentError("a signature line is \"— <name> <base64>\"");
    }
    std::optional<std::string> blob = DecodeBase64(line.substr(space + 1));
    if (!blob || blob->size() < 5) {
      return absl::InvalidArgumentError("a note signature is not base64 of a key id and bytes");
    }
    if (line.substr(0, space) != key.name) continue;  // another signer's
    uint32_t key_id = 0;
    for (int i = 0; i < 4; ++i) key_id = (key_id << 8) | static_cast<unsigned char>((*blob)[i]);
    if (key_id != key.key_id) continue;  // another key of the same name (rotation)
    if (!Ed25519Verify(key.public_key, text, absl::string_view(*blob).substr(4))) {
      return absl::UnauthenticatedError(
          absl::StrCat("the note's signature by ", key.name, " does not verify"));
    }
    verified = true;
  }
  if (!verified) {
    return absl::UnauthenticatedError(
        absl::StrCat("the note carries no signature by ", key.name, "'s key"));
  }
  return std::string(text);
}

}  // namespace creditbank::domain::tlog
