// The fixed names of the transcript format (docs/transcripts.md), shared by
// the issuer (transcript.cc) and the verifier (transcript_verifier.cc) so
// the two cannot drift apart.
#ifndef CREDITBANK_DOMAIN_TRANSCRIPTS_TRANSCRIPT_FORMAT_H_
#define CREDITBANK_DOMAIN_TRANSCRIPTS_TRANSCRIPT_FORMAT_H_

#include "absl/strings/string_view.h"

namespace creditbank::domain::transcripts {

inline constexpr absl::string_view kVcContext = "https://www.w3.org/ns/credentials/v2";
inline constexpr absl::string_view kClrContext =
    "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json";
inline constexpr absl::string_view kTranscriptName = "Lifelong-learning transcript";
// Our members (not CLR's): the log evidence of one achievement, and the
// checkpoint every proof in the transcript reaches.
inline constexpr const char* kLedgerEntryMember = "ledgerEntry";
inline constexpr const char* kTransparencyLogMember = "transparencyLog";
// validFrom / validUntil: RFC 3339 in UTC, whole seconds.
inline constexpr const char* kDateTimeFormat = "%Y-%m-%d%ET%H:%M:%SZ";

}  // namespace creditbank::domain::transcripts

#endif  // CREDITBANK_DOMAIN_TRANSCRIPTS_TRANSCRIPT_FORMAT_H_
