// cbverify's work, as a library so tests run it in process too: read a
// transcript and what the bank publishes from files, verify with
// domain/transcripts/transcript_verifier.h, print the report.
//
//   cbverify transcript.jws --jwks jwks.json --status_list status.jws
//       [--later_checkpoint checkpoint.txt --consistency_proof proof.txt]
//       [--log_key "<note verifier key>"] [--now 2027-01-01T00:00:00Z] [--json]
#ifndef CREDITBANK_CLIENTS_CBVERIFY_VERIFY_COMMAND_H_
#define CREDITBANK_CLIENTS_CBVERIFY_VERIFY_COMMAND_H_

#include <optional>
#include <ostream>
#include <string>

namespace creditbank::cbverify {

// Exit codes: the verdict, or that nothing could be verified.
inline constexpr int kExitValid = 0;
inline constexpr int kExitNotValid = 1;
inline constexpr int kExitUsage = 2;  // bad arguments, unreadable or malformed input files

struct VerifyOptions {
  std::string transcript_path;
  std::string jwks_path;
  std::optional<std::string> status_list_path;
  // A later signed checkpoint and the consistency proof from the
  // transcript's tree size to its size: base64 hashes, one per line.
  std::optional<std::string> later_checkpoint_path;
  std::optional<std::string> consistency_proof_path;
  // The log's note verifier key; default: the JWK Set's log_verifier_key.
  std::optional<std::string> log_key;
  std::optional<std::string> now;      // RFC 3339 UTC; default: the clock
  bool json = false;
};

// Verifies and prints the report to `out` (problems with the inputs to
// `err`); returns one of the exit codes above.
int RunVerify(const VerifyOptions& options, std::ostream& out, std::ostream& err);

}  // namespace creditbank::cbverify

#endif  // CREDITBANK_CLIENTS_CBVERIFY_VERIFY_COMMAND_H_
