// The real cbverify binary on files, as a university would run it: valid,
// revoked, status unknown, a later checkpoint and its proof, bad inputs.
// And an independent JOSE implementation (PyJWT, tests/interop/) verifies
// the same transcript's signature with the same JWK Set file, so the
// transcript is not only readable by our own code.
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "clients/cbverify/verify_command.h"
#include "domain/jose/jws.h"
#include "domain/tlog/merkle.h"
#include "domain/transcripts/transcript.h"
#include "domain/transcripts/transcript_verifier.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/testing/process.h"
#include "tests/testing/sample_transcript.h"
#include "tests/testing/temp_dir.h"

namespace creditbank::cbverify {
namespace {

using ::creditbank::testing::BinaryPath;
using ::creditbank::testing::RunCommand;
using ::creditbank::testing::SampleTranscriptBank;
using ::creditbank::testing::TempDir;
using ::testing::HasSubstr;
using Json = nlohmann::json;

constexpr absl::Duration kTimeout = absl::Seconds(60);
// An hour after the sample bank issues: the transcript is valid then.
constexpr char kNow[] = "2026-11-30T01:53:20Z";

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class CbverifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(bank_.Open());
    WriteFile(temp_.File("transcript.jws"), bank_.Issue(bank_.Content({1, 2, 3, 40})) + "\n");
    // As the bank publishes it: its keys, and its log's key beside them.
    Json jwks = *domain::jose::JwksToJson(bank_.jwks);
    WriteFile(temp_.File("keys-only.json"), jwks.dump());
    jwks[domain::transcripts::kJwksLogKeyMember] = bank_.log_key;
    WriteFile(temp_.File("jwks.json"), jwks.dump());
    WriteFile(temp_.File("status.jws"), bank_.StatusList(false));
    WriteFile(temp_.File("revoked.jws"), bank_.StatusList(true));
  }

  // Runs the real binary (with the published jwks.json unless `args` name
  // another); returns its exit code, output in output_.
  int Run(std::vector<std::string> args) {
    std::vector<std::string> argv = {BinaryPath("cbverify"), temp_.File("transcript.jws"),
                                     "--now", kNow};
    if (std::find(args.begin(), args.end(), "--jwks") == args.end()) {
      argv.insert(argv.end(), {"--jwks", temp_.File("jwks.json")});
    }
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string log = temp_.File(absl::StrCat("run-", ++runs_, ".log"));
    const absl::StatusOr<int> code = RunCommand(argv, log, kTimeout);
    output_ = ReadFile(log);
    EXPECT_TRUE(code.ok()) << code.status();
    return code.value_or(-1);
  }

  SampleTranscriptBank bank_;
  TempDir temp_;
  std::string output_;
  int runs_ = 0;
};

TEST_F(CbverifyTest, ValidTranscriptExitsZeroWithEveryCheckInTheReport) {
  EXPECT_EQ(Run({"--status_list", temp_.File("status.jws"), "--json"}), kExitValid) << output_;
  const Json report = Json::parse(output_);
  EXPECT_EQ(report["valid"], true);
  EXPECT_EQ(report["status"], "active");
  EXPECT_EQ(report["achievements"], 4);
  EXPECT_EQ(report["checks"].size(), 9u);

  EXPECT_EQ(Run({"--status_list", temp_.File("status.jws")}), kExitValid);
  EXPECT_THAT(output_, HasSubstr("verdict: VALID"));
  EXPECT_THAT(output_, HasSubstr("inclusion    passed   4 achievements in the log"));
}

TEST_F(CbverifyTest, RevokedOrUnknownStatusExitsOne) {
  EXPECT_EQ(Run({"--status_list", temp_.File("revoked.jws")}), kExitNotValid);
  EXPECT_THAT(output_, HasSubstr("status       failed   revoked"));
  EXPECT_EQ(Run({}), kExitNotValid);
  EXPECT_THAT(output_, HasSubstr("status       unknown"));
  EXPECT_THAT(output_, HasSubstr("verdict: NOT VALID"));
}

TEST_F(CbverifyTest, LaterCheckpointAndProofFromFiles) {
  for (uint64_t id = testing::kSampleLogSize + 1; id <= 100; ++id) {
    bank_.tree.AppendLeafHash(
        domain::tlog::LeafHash(bank_.hasher.LeafBytes(testing::SampleCourseEntry(id))));
  }
  WriteFile(temp_.File("later.txt"), bank_.SignCheckpoint(100));
  const absl::StatusOr<std::vector<std::string>> proof =
      domain::tlog::ConsistencyProof(bank_.tree, testing::kSampleLogSize, 100);
  ASSERT_TRUE(proof.ok()) << proof.status();
  std::string proof_lines;
  for (const std::string& hash : *proof) {
    absl::StrAppend(&proof_lines, absl::Base64Escape(hash), "\n");
  }
  WriteFile(temp_.File("proof.txt"), proof_lines);
  EXPECT_EQ(Run({"--status_list", temp_.File("status.jws"), "--later_checkpoint",
                 temp_.File("later.txt"), "--consistency_proof", temp_.File("proof.txt")}),
            kExitValid)
      << output_;
  EXPECT_THAT(output_, HasSubstr("consistency  passed   a prefix of the log at tree size 100"));

  WriteFile(temp_.File("proof.txt"), proof_lines.substr(proof_lines.find('\n') + 1));
  EXPECT_EQ(Run({"--status_list", temp_.File("status.jws"), "--later_checkpoint",
                 temp_.File("later.txt"), "--consistency_proof", temp_.File("proof.txt")}),
            kExitNotValid);
  EXPECT_THAT(output_, HasSubstr("consistency  failed"));
}

TEST_F(CbverifyTest, WithoutTheLogKeyTheCheckpointIsUnknown) {
  EXPECT_EQ(Run({"--jwks", temp_.File("keys-only.json"), "--status_list",
                 temp_.File("status.jws")}),
            kExitNotValid);
  EXPECT_THAT(output_, HasSubstr("checkpoint   unknown"));
  EXPECT_EQ(Run({"--jwks", temp_.File("keys-only.json"), "--status_list",
                 temp_.File("status.jws"), "--log_key", bank_.log_key}),
            kExitValid)
      << output_;
}

TEST_F(CbverifyTest, UnusableInputsExitTwoAndSayWhich) {
  WriteFile(temp_.File("bad.json"), R"({"keys":[{"kty":"oct","k":"c2VjcmV0"}]})");
  EXPECT_EQ(Run({"--jwks", temp_.File("bad.json")}), kExitUsage);
  EXPECT_THAT(output_, HasSubstr("--jwks"));
  EXPECT_EQ(Run({"--status_list", temp_.File("missing.jws")}), kExitUsage);
  EXPECT_EQ(Run({"--now", "yesterday"}), kExitUsage);
  EXPECT_THAT(output_, HasSubstr("--now"));
  EXPECT_EQ(Run({"--later_checkpoint", temp_.File("status.jws")}), kExitUsage);  // no proof
  WriteFile(temp_.File("transcript.jws"), std::string(5000, '.'));
  EXPECT_EQ(Run({"--status_list", temp_.File("status.jws")}), kExitNotValid);
  EXPECT_THAT(output_, HasSubstr("format       failed"));
}

// PyJWT shares no code with ours; it verifies the transcript's signature
// with the key its kid names in the same JWK Set file.
TEST_F(CbverifyTest, PyJwtVerifiesTheTranscriptSignature) {
  constexpr char kPython[] = "/usr/bin/python3";
  ASSERT_EQ(::access(kPython, X_OK), 0)
      << "needs /usr/bin/python3 with python3-jwt and python3-cryptography";
  const std::string script = CREDITBANK_SOURCE_DIR "/tests/interop/pyjwt_verify.py";
  for (const bool eddsa : {false, true}) {
    const std::string jws =
        eddsa ? *domain::transcripts::SignTranscript(bank_.Content({2, 3}), *bank_.ed_key,
                                                     domain::jose::JwsAlgorithm::kEdDsa, "ed-1")
              : bank_.Issue(bank_.Content({2, 3}));
    WriteFile(temp_.File("py.jws"), jws);
    const std::string log = temp_.File(absl::StrCat("pyjwt-", eddsa, ".log"));
    const absl::StatusOr<int> code =
        RunCommand({kPython, script, temp_.File("py.jws"), temp_.File("jwks.json")}, log, kTimeout);
    ASSERT_TRUE(code.ok()) << code.status();
    EXPECT_EQ(*code, 0) << ReadFile(log);
    EXPECT_THAT(ReadFile(log), HasSubstr("urn:creditbank:transcript:17"));

    std::string tampered = jws;
    tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
    WriteFile(temp_.File("py.jws"), tampered);
    const absl::StatusOr<int> refused =
        RunCommand({kPython, script, temp_.File("py.jws"), temp_.File("jwks.json")}, log, kTimeout);
    ASSERT_TRUE(refused.ok());
    EXPECT_EQ(*refused, 1);
  }
}

}  // namespace
}  // namespace creditbank::cbverify
