// What every cbctl command shares: the global flags, the output streams
// and the clients of the server (the core's services, the rules service,
// the transparency log, and the transcripts and verification services, on
// one channel).
//
//   Session session(globals, std::cout, std::cerr, /*err_is_terminal=*/true);
//   return Show(session, session.core().GetInstitution(request), InstitutionView);
#ifndef CREDITBANK_CLIENTS_CBCTL_SESSION_H_
#define CREDITBANK_CLIENTS_CBCTL_SESSION_H_

#include <memory>
#include <ostream>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "clients/cbctl/error_report.h"
#include "clients/cbctl/exit_codes.h"
#include "clients/cbctl/views.h"
#include "services/channel_credentials.h"
#include "services/grpc_core_client.h"
#include "services/grpc_log_client.h"
#include "services/grpc_rules_client.h"
#include "services/grpc_transcripts_client.h"

namespace creditbank::cbctl {

inline constexpr char kDefaultServer[] = "127.0.0.1:50051";
inline constexpr double kDefaultTimeoutSeconds = 30;

struct GlobalOptions {
  std::string server = kDefaultServer;
  // mTLS (operators, institutions) or TLS with a learner token; no
  // --tls_ca: plaintext, for a development server on loopback.
  services::ClientTlsFiles tls;
  std::string learner_token;
  bool json = false;
  // Each call's deadline; for import, the longest the upload may make no
  // progress.
  double timeout_seconds = kDefaultTimeoutSeconds;
};

class Session {
 public:
  Session(const GlobalOptions& options, std::ostream& out, std::ostream& err,
          bool err_is_terminal)
      : options_(options), out_(out), err_(err), err_is_terminal_(err_is_terminal) {}

  const GlobalOptions& options() const { return options_; }
  bool json() const { return options_.json; }
  absl::Duration timeout() const { return absl::Seconds(options_.timeout_seconds); }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }
  bool err_is_terminal() const { return err_is_terminal_; }

  // Checks the TLS files and makes the channel to --server; the error
  // names the bad flag. Call once before core() or rules().
  absl::Status Connect();
  services::GrpcCoreClient& core() { return *core_; }
  services::GrpcRulesClient& rules() { return *rules_; }
  services::GrpcLogClient& log() { return *log_; }
  // TranscriptService and VerificationService.
  services::GrpcTranscriptsClient& transcripts() { return *transcripts_; }

 private:
  const GlobalOptions& options_;
  std::ostream& out_;
  std::ostream& err_;
  const bool err_is_terminal_;
  std::unique_ptr<services::GrpcCoreClient> core_;
  std::unique_ptr<services::GrpcRulesClient> rules_;
  std::unique_ptr<services::GrpcLogClient> log_;
  std::unique_ptr<services::GrpcTranscriptsClient> transcripts_;
};

// Prints a call's answer (JSON, or `view` of it) and returns kExitOk, or
// reports its error and returns the matching exit code.
template <typename Message, typename View>
int Show(Session& session, const absl::StatusOr<Message>& answer, View view) {
  if (!answer.ok()) return ReportError(session.err(), answer.status());
  session.out() << (session.json() ? ToJson(*answer) : view(*answer));
  return kExitOk;
}

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_SESSION_H_
