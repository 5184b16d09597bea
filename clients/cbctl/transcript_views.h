// What cbctl prints for transcripts, signing keys and verification reports
// (cbctl transcript ...). The signed transcript (the JWS) itself is not part
// of these views: commands write it to a file or print it on its own.
//
//   session.out() << TranscriptView(transcript);
//   session.out() << VerificationReportView(report);  // like cbverify's
#ifndef CREDITBANK_CLIENTS_CBCTL_TRANSCRIPT_VIEWS_H_
#define CREDITBANK_CLIENTS_CBCTL_TRANSCRIPT_VIEWS_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "creditbank/transcripts/v1/transcripts.pb.h"
#include "creditbank/verification/v1/verification.pb.h"
#include "google/protobuf/repeated_field.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace creditbank::cbctl {

// A transcript holds up to 300 entries; a table cell shows the first few.
inline constexpr size_t kEntriesShownInTable = 8;

// "1,2,3" (the --entries spelling); with `max_shown`, longer lists end in
// ",... (N in all)".
std::string EntryIdList(const google::protobuf::RepeatedField<uint64_t>& ids,
                        size_t max_shown = SIZE_MAX);

// "active", "revoked"; "passed", "failed", "unknown", "skipped".
std::string TranscriptStateName(int state);
std::string CheckOutcomeName(int outcome);

// Labelled fields: number, id, account, entries, issue time, key, state,
// revocation, review flag with the reversed entries, status list entry,
// request id.
std::string TranscriptView(const transcripts::v1::Transcript& transcript);

// NUMBER, ISSUED, ENTRIES, STATE, NEEDS REVIEW: one row per transcript.
std::string TranscriptTable(
    const google::protobuf::RepeatedPtrField<transcripts::v1::Transcript>& transcripts);

// The keys of a JWK Set as served: KID, ALGORITHM, STATE (current, or
// retired at a time). INVALID_ARGUMENT when the set does not parse: a
// server that publishes such a set cannot have its transcripts verified.
absl::StatusOr<std::string> SigningKeysView(const transcripts::v1::Jwks& jwks);

// The report as cbverify prints it (one line per check, then the verdict),
// with what the service learnt about the key, status and log in between.
std::string VerificationReportView(const verification::v1::VerificationReport& report);

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_TRANSCRIPT_VIEWS_H_
