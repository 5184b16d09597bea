// SHA-256 (FIPS 180-2 examples), HMAC-SHA-256 (RFC 4231 test cases 1-7),
// AES-256-GCM (GCM spec test cases 13, 14, 16) and tamper detection.
#include "domain/crypto/primitives.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace creditbank::domain {
namespace {

using ::creditbank::testing::IsOk;
using ::creditbank::testing::StatusIs;

std::string Hex(const std::string& hex) { return absl::HexStringToBytes(hex); }

TEST(Sha256Test, MatchesKnownDigests) {
  struct Case {
    std::string data;
    std::string digest_hex;
  };
  const std::vector<Case> cases = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
      {"高等数学", "1f5bbead8f95db8326b94125420bb20896327b50f7b1ec6e915f1384ddba7923"},
  };
  for (const Case& c : cases) {
    const std::string digest = Sha256(c.data);
    EXPECT_EQ(digest.size(), kSha256Bytes);
    EXPECT_EQ(HexEncode(digest), c.digest_hex) << c.data;
  }
}

TEST(Sha256Test, OfPartsIsTheDigestOfTheirConcatenation) {
  const std::string leaf = "{\"account\":\"6212345678901232\",\"title\":\"高等数学（一）\"}";
  const std::string left(32, 'l');
  const std::string right(32, 'r');
  const std::vector<std::vector<absl::string_view>> cases = {
      {}, {""}, {"abc"}, {"a", "", "bc"}, {absl::string_view("\x00", 1), leaf},
      {absl::string_view("\x01", 1), left, right}};
  for (const std::vector<absl::string_view>& parts : cases) {
    std::string whole;
    for (const absl::string_view part : parts) whole.append(part.data(), part.size());
    unsigned char digest[kSha256Bytes];
    // Twice: the thread's context is reused, and must start afresh each time.
    for (int round = 0; round < 2; ++round) {
      switch (parts.size()) {
        case 0: Sha256Of({}, digest); break;
        case 1: Sha256Of({parts[0]}, digest); break;
        case 2: Sha256Of({parts[0], parts[1]}, digest); break;
        default: Sha256Of({parts[0], parts[1], parts[2]}, digest); break;
      }
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(digest), kSha256Bytes), Sha256(whole))
          << HexEncode(whole);
    }
  }
}

TEST(HmacSha256Test, MatchesRfc4231TestCases) {
  struct Case {
    std::string name;
    std::string key;
    std::string data;
    std::string mac_hex;  // test case 5 compares only the first 128 bits
  };
  const std::vector<Case> cases = {
      {"1", std::string(20, '\x0b'), "Hi There",
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {"2", "Jefe", "what do ya want for nothing?",
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {"3", std::string(20, '\xaa'), std::string(50, '\xdd'),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {"4", Hex("0102030405060708090a0b0c0d0e0f10111213141516171819"), std::string(50, '\xcd'),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      {"5", std::string(20, '\x0c'), "Test With Truncation", "a3b6167473100ee06e0c796c2955552b"},
      {"6", std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {"7", std::string(131, '\xaa'),
       "This is a test using a larger than block-size key and a larger than block-size "
       "data. The key needs to be hashed before being used by the HMAC algorithm.",
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (const Case& c : cases) {
    const std::string mac = HmacSha256(c.key, c.data);
    ASSERT_EQ(mac.size(), kSha256Bytes) << "test case " << c.name;
    EXPECT_EQ(HexEncode(mac).substr(0, c.mac_hex.size()), c.mac_hex) << "test case " << c.name;
  }
}

TEST(HmacSha256Test, EmptyKeyAndDataStillGiveTheStandardMac) {
  EXPECT_EQ(HexEncode(HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(HmacSha256Test, KeyAndDataBothMatter) {
  const std::string secret(32, '\x42');
  const std::string mac = HmacSha256(secret, "cn-resident-id:500103199003071239");
  EXPECT_NE(mac, HmacSha256(secret, "cn-resident-id:500104198511160045"));
  EXPECT_NE(mac, HmacSha256(std::string(32, '\x43'), "cn-resident-id:500103199003071239"));
  EXPECT_EQ(mac, HmacSha256(secret, "cn-resident-id:500103199003071239"));
}

TEST(RandomBytesTest, GivesTheRequestedCountAndDiffers) {
  ASSERT_OK_AND_ASSIGN(std::string a, RandomBytes(32));
  ASSERT_OK_AND_ASSIGN(std::string b, RandomBytes(32));
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  ASSERT_OK_AND_ASSIGN(std::string none, RandomBytes(0));
  EXPECT_EQ(none, "");
}

TEST(Aes256GcmOpenTest, DecryptsGcmSpecTestVectors) {
  struct Case {
    std::string name;
    std::string key_hex;
    std::string nonce_hex;
    std::string plaintext_hex;
    std::string aad_hex;
    std::string ciphertext_and_tag_hex;
  };
  const std::vector<Case> cases = {
      {"13", std::string(64, '0'), std::string(24, '0'), "", "",
       "530f8afbc74536b9a963b4f1c4cb738b"},
      {"14", std::string(64, '0'), std::string(24, '0'), std::string(32, '0'), "",
       "cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919"},
      {"16", "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
       "cafebabefacedbaddecaf888",
       "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532f"
       "cf0e2449a6b525b16aedf5aa0de657ba637b39",
       "feedfacedeadbeeffeedfacedeadbeefabaddad2",
       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3d"
       "a7b08b1056828838c5f61e6393ba7a0abcc9f66276fc6ece0f4e1768cddf8853bb2d551b"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("test case " + c.name);
    const SealedBytes sealed{Hex(c.nonce_hex), Hex(c.ciphertext_and_tag_hex)};
    absl::StatusOr<std::string> plain = Aes256GcmOpen(Hex(c.key_hex), sealed, Hex(c.aad_hex));
    ASSERT_THAT(plain, IsOk());
    EXPECT_EQ(HexEncode(*plain), c.plaintext_hex);
  }
}

class Aes256GcmTest : public ::testing::Test {
 protected:
  const std::string key_ = Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const std::string plaintext_ = "姓名：李娜；电话：13800138000";
  const std::string aad_ = std::string(32, '\x5a');  // an identity HMAC
};

TEST_F(Aes256GcmTest, SealThenOpenRoundTrips) {
  ASSERT_OK_AND_ASSIGN(SealedBytes sealed, Aes256GcmSeal(key_, plaintext_, aad_));
  EXPECT_EQ(sealed.nonce.size(), kGcmNonceBytes);
  EXPECT_EQ(sealed.ciphertext.size(), plaintext_.size() + kGcmTagBytes);
  EXPECT_EQ(sealed.ciphertext.find("李娜"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(std::string opened, Aes256GcmOpen(key_, sealed, aad_));
  EXPECT_EQ(opened, plaintext_);
}

TEST_F(Aes256GcmTest, EmptyPlaintextAndAadRoundTrip) {
  ASSERT_OK_AND_ASSIGN(SealedBytes sealed, Aes256GcmSeal(key_, "", ""));
  EXPECT_EQ(sealed.ciphertext.size(), kGcmTagBytes);
  ASSERT_OK_AND_ASSIGN(std::string opened, Aes256GcmOpen(key_, sealed, ""));
  EXPECT_EQ(opened, "");
}

TEST_F(Aes256GcmTest, EverySealUsesAFreshNonce) {
  std::set<std::string> nonces;
  std::set<std::string> ciphertexts;
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK_AND_ASSIGN(SealedBytes sealed, Aes256GcmSeal(key_, plaintext_, aad_));
    nonces.insert(sealed.nonce);
    ciphertexts.insert(sealed.ciphertext);
  }
  EXPECT_EQ(nonces.size(), 20u);
  EXPECT_EQ(ciphertexts.size(), 20u);
}

TEST_F(Aes256GcmTest, DetectsEveryKindOfTampering) {
  ASSERT_OK_AND_ASSIGN(const SealedBytes sealed, Aes256GcmSeal(key_, plaintext_, aad_));
  struct Case {
    std::string name;
    std::string key;
    SealedBytes sealed;
    std::string aad;
  };
  std::vector<Case> cases;
  for (size_t at : {size_t{0}, plaintext_.size() / 2, plaintext_.size() - 1}) {
    SealedBytes flipped = sealed;
    flipped.ciphertext[at] ^= 0x01;
    cases.push_back({"ciphertext byte " + std::to_string(at), key_, flipped, aad_});
  }
  {
    SealedBytes flipped = sealed;
    flipped.ciphertext.back() ^= 0x80;
    cases.push_back({"tag byte", key_, flipped, aad_});
  }
  {
    SealedBytes flipped = sealed;
    flipped.nonce[0] ^= 0x01;
    cases.push_back({"nonce byte", key_, flipped, aad_});
  }
  {
    SealedBytes longer = sealed;
    longer.ciphertext.insert(0, "x");
    cases.push_back({"byte inserted", key_, longer, aad_});
  }
  cases.push_back({"other aad (another person's identity)", key_, sealed,
                   std::string(32, '\x5b')});
  cases.push_back({"empty aad", key_, sealed, ""});
  std::string other_key = key_;
  other_key[31] ^= 0x01;
  cases.push_back({"other key", other_key, sealed, aad_});
  cases.push_back({"truncated tag", key_,
                   SealedBytes{sealed.nonce, sealed.ciphertext.substr(0, kGcmTagBytes - 1)},
                   aad_});
  cases.push_back({"short nonce", key_, SealedBytes{sealed.nonce.substr(0, 11), sealed.ciphertext},
                   aad_});
  cases.push_back({"empty", key_, SealedBytes{}, aad_});
  for (const Case& c : cases) {
    EXPECT_THAT(Aes256GcmOpen(c.key, c.sealed, c.aad), StatusIs(absl::StatusCode::kDataLoss))
        << c.name;
  }
}

TEST_F(Aes256GcmTest, WrongKeySizeIsAnInternalError) {
  EXPECT_THAT(Aes256GcmSeal(key_.substr(0, 16), plaintext_, aad_),
              StatusIs(absl::StatusCode::kInternal));
  ASSERT_OK_AND_ASSIGN(SealedBytes sealed, Aes256GcmSeal(key_, plaintext_, aad_));
  EXPECT_THAT(Aes256GcmOpen(key_ + "x", sealed, aad_), StatusIs(absl::StatusCode::kInternal));
}

TEST(HexEncodeTest, LowerCaseTwoDigitsPerByte) {
  EXPECT_EQ(HexEncode(std::string("\x00\x0f\xab\xff", 4)), "000fabff");
  EXPECT_EQ(HexEncode(""), "");
}

}  // namespace
}  // namespace creditbank::domain
