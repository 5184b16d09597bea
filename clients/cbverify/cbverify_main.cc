// cbverify: verifies a signed transcript offline (docs/transcripts.md §4).
#include <iostream>

#include "CLI/CLI.hpp"
#include "clients/cbverify/verify_command.h"

int main(int argc, char** argv) {
  using creditbank::cbverify::VerifyOptions;
  VerifyOptions options;
  CLI::App app{"Verifies a credit bank transcript with no server: signature, issuer key, dates, "
               "revocation status, log inclusion and consistency."};
  app.add_option("transcript", options.transcript_path, "the transcript (compact JWS) file")
      ->required();
  app.add_option("--jwks", options.jwks_path, "the bank's published JWK Set (JSON file)")
      ->required();
  app.add_option("--status_list", options.status_list_path,
                 "the bank's status list credential (JWS file); without it the status is "
                 "unknown and the transcript is not valid");
  auto* later = app.add_option("--later_checkpoint", options.later_checkpoint_path,
                               "a later signed checkpoint of the bank's log");
  auto* proof = app.add_option("--consistency_proof", options.consistency_proof_path,
                               "the consistency proof to it: base64 hashes, one per line");
  later->needs(proof);
  proof->needs(later);
  app.add_option("--log_key", options.log_key,
                 "the log's note verifier key (name+id+key); default: the JWK Set's "
                 "log_verifier_key, as the bank publishes it");
  app.add_option("--now", options.now, "verify as of this time (RFC 3339 UTC)");
  app.add_flag("--json", options.json, "print the report as JSON");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : creditbank::cbverify::kExitUsage;
  }
  return creditbank::cbverify::RunVerify(options, std::cout, std::cerr);
}
