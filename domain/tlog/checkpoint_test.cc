// Checkpoints and signed notes against published vectors: the example note
// of Go's golang.org/x/mod/sumdb/note documentation, and a checkpoint of the
// RFC 6962 8-leaf test tree signed with the seed 00..1f (computed
// independently with Python and checked with `openssl pkeyutl -rawin`;
// Ed25519 is deterministic, so the bytes are fixed).
#include "domain/tlog/checkpoint.h"

#include <algorithm>
#include <string>

#include "absl/strings/escaping.h"
#include "domain/crypto/ed25519.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain::tlog {
namespace {

using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;

constexpr char kGoVerifierKey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kGoSignerSeed[] = "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";  // 0x01 || seed
constexpr char kGoText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kGoNote[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

constexpr char kOrigin[] = "creditbank.example/log";
constexpr char kOurNote[] =
    "creditbank.example/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n\n"
    "\xE2\x80\x94 creditbank.example/log "
    "w94MlvWPgybwrEKHGSTsCM4v5PuwSKPfwNFSwkVnx7vBfaa95RjV74IyzuClFnpR1cWSXXiZo0P5DeTvL7UX7QzfugE=\n";

std::string Seed0To31() {
  std::string seed;
  for (int i = 0; i < 32; ++i) seed.push_back(static_cast<char>(i));
  return seed;
}

std::string Unbase64(const std::string& text) {
  std::string bytes;
  EXPECT_TRUE(absl::Base64Unescape(text, &bytes));
  return bytes;
}

TEST(CheckpointTest, GoNoteVectorSignsAndOpensByteForByte) {
  ASSERT_OK_AND_ASSIGN(NoteVerifierKey key, ParseNoteVerifierKey(kGoVerifierKey));
  EXPECT_EQ(key.name, "PeterNeumann");
  EXPECT_EQ(key.key_id, 0xc74f20a3u);
  EXPECT_EQ(FormatNoteVerifierKey(key), kGoVerifierKey);
  ASSERT_OK_AND_ASSIGN(std::string text, OpenNote(kGoNote, key));
  EXPECT_EQ(text, kGoText);

  ASSERT_OK_AND_ASSIGN(NoteSigner signer,
                       NoteSigner::Create("PeterNeumann", Unbase64(kGoSignerSeed).substr(1)));
  EXPECT_EQ(FormatNoteVerifierKey(signer.verifier_key()), kGoVerifierKey);
  ASSERT_OK_AND_ASSIGN(std::string note, signer.Sign(kGoText));
  EXPECT_EQ(note, kGoNote);
}

TEST(CheckpointTest, OurCheckpointVector) {
  ASSERT_OK_AND_ASSIGN(NoteSigner signer, NoteSigner::Create(kOrigin, Seed0To31()));
  EXPECT_EQ(FormatNoteVerifierKey(signer.verifier_key()),
            "creditbank.example/log+c3de0c96+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4");
  Checkpoint checkpoint{kOrigin, 8,
                        Unbase64("XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=")};
  ASSERT_OK_AND_ASSIGN(std::string note, signer.Sign(CheckpointText(checkpoint)));
  EXPECT_EQ(note, kOurNote);

  ASSERT_OK_AND_ASSIGN(std::string text, OpenNote(note, signer.verifier_key()));
  ASSERT_OK_AND_ASSIGN(Checkpoint parsed, ParseCheckpoint(text, kOrigin));
  EXPECT_EQ(parsed.tree_size, 8u);
  EXPECT_EQ(parsed.root_hash, checkpoint.root_hash);
}

TEST(CheckpointTest, TamperedNotesAreRefused) {
  ASSERT_OK_AND_ASSIGN(NoteSigner signer, NoteSigner::Create(kOrigin, Seed0To31()));
  const NoteVerifierKey& key = signer.verifier_key();
  std::string note = kOurNote;
  note[std::string(kOrigin).size() + 1] = '9';  // tree size 8 -> 9
  EXPECT_THAT(OpenNote(note, key), StatusIs(absl::StatusCode::kUnauthenticated));

  // Another signer's line (a witness) is ignored; alone it is not enough.
  ASSERT_OK_AND_ASSIGN(NoteSigner witness,
                       NoteSigner::Create("witness.example", std::string(32, 'w')));
  ASSERT_OK_AND_ASSIGN(std::string witnessed, witness.Sign(CheckpointText({kOrigin, 8, std::string(32, 'r')})));
  EXPECT_THAT(OpenNote(witnessed, key), StatusIs(absl::StatusCode::kUnauthenticated));
  std::string both = std::string(kOurNote) + witnessed.substr(witnessed.rfind("\n\n") + 2);
  EXPECT_THAT(OpenNote(both, key), IsOk());

  for (const std::string& bad :
       {std::string("no blank line\n"), std::string(kOurNote).substr(0, 60),
        std::string("text\n\n- creditbank.example/log AAAA\n"),
        std::string("text\n\n\xE2\x80\x94 creditbank.example/log not-base64!\n"),
        std::string("te\x01xt\n\n\xE2\x80\x94 a AAAAAAA=\n"), std::string(kMaxNoteBytes + 1, 'a')}) {
    EXPECT_THAT(OpenNote(bad, key), StatusIs(absl::StatusCode::kInvalidArgument)) << bad.substr(0, 40);
  }
}

TEST(CheckpointTest, CheckpointTextsMustBeCanonical) {
  const std::string root = "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=";
  EXPECT_THAT(ParseCheckpoint(std::string(kOrigin) + "\n0\n" + root + "\n", kOrigin), IsOk());
  for (const std::string& bad : {
           std::string("other.example/log\n8\n") + root + "\n",  // another log
           std::string(kOrigin) + "\n08\n" + root + "\n",        // leading zero
           std::string(kOrigin) + "\n+8\n" + root + "\n",
           std::string(kOrigin) + "\n8 \n" + root + "\n",
           std::string(kOrigin) + "\n18446744073709551616\n" + root + "\n",  // 2^64
           std::string(kOrigin) + "\n8\n" + root + "\nextension\n",
           std::string(kOrigin) + "\n8\nAAAA\n",                 // 3-byte root
           std::string(kOrigin) + "\n8\n" + root,                // no final newline
       }) {
    EXPECT_THAT(ParseCheckpoint(bad, kOrigin), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
}

TEST(CheckpointTest, VerifierKeysAreCheckedWhole) {
  for (const char* bad : {"PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                          "PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                          "PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                          "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
                          "PeterNeumann+c74f20a3", ""}) {
    EXPECT_THAT(ParseNoteVerifierKey(bad), StatusIs(absl::StatusCode::kInvalidArgument)) << bad;
  }
  EXPECT_THAT(NoteSigner::Create("bad+name", Seed0To31()).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(NoteSigner::Create(kOrigin, "short").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

// A key whose base64 holds '+' (about half of all keys): the name and key
// id end at the first two, the rest is the key. (Found when random keys
// failed to parse now and then.)
TEST(CheckpointTest, VerifierKeysWithAPlusInTheirBase64Parse) {
  int found = 0;
  for (int seed_byte = 0; seed_byte < 64 && found < 3; ++seed_byte) {
    ASSERT_OK_AND_ASSIGN(NoteSigner signer,
                         NoteSigner::Create(kOrigin, std::string(32, static_cast<char>(seed_byte))));
    const std::string text = FormatNoteVerifierKey(signer.verifier_key());
    if (std::count(text.begin(), text.end(), '+') <= 2) continue;
    ++found;
    ASSERT_OK_AND_ASSIGN(NoteVerifierKey parsed, ParseNoteVerifierKey(text));
    EXPECT_EQ(parsed.public_key, signer.verifier_key().public_key) << text;
    EXPECT_EQ(parsed.key_id, signer.verifier_key().key_id);
    // A '+' in the name is still refused.
    EXPECT_THAT(ParseNoteVerifierKey("a+" + text), StatusIs(absl::StatusCode::kInvalidArgument));
  }
  EXPECT_EQ(found, 3);
}

TEST(Ed25519Test, RandomKeysSignAndVerify) {
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr key, GenerateEd25519Key());
  ASSERT_OK_AND_ASSIGN(std::string public_key, Ed25519PublicKey(*key));
  ASSERT_OK_AND_ASSIGN(std::string seed, Ed25519Seed(*key));
  ASSERT_OK_AND_ASSIGN(EvpPkeyPtr again, Ed25519KeyFromSeed(seed));
  ASSERT_OK_AND_ASSIGN(std::string signature, Ed25519Sign(*again, "message"));
  EXPECT_TRUE(Ed25519Verify(public_key, "message", signature));
  EXPECT_FALSE(Ed25519Verify(public_key, "messagE", signature));
  signature[10] ^= 1;
  EXPECT_FALSE(Ed25519Verify(public_key, "message", signature));
  EXPECT_FALSE(Ed25519Verify(public_key.substr(1), "message", signature));
  EXPECT_FALSE(Ed25519Verify(public_key, "message", signature.substr(1)));
}

}  // namespace
}  // namespace creditbank::domain::tlog
