// CreditBankServer: one gRPC server hosting any subset of the services on
// one port, with standard health checking and server reflection.
//
// Start-up is two steps so that health checks answer while storage opens
// (replaying a large WAL can take a while): Start() binds the port and
// serves NOT_SERVING; OpenStorage() opens RocksDB and the core, then flips
// health to SERVING. Shutdown() is graceful: NOT_SERVING, stop taking
// calls, let in-flight calls (and so their writes) finish, commit what is
// queued, close storage.
#ifndef CREDITBANK_SERVICES_SERVER_H_
#define CREDITBANK_SERVICES_SERVER_H_

#include <memory>
#include <optional>
#include <set>
#include <thread>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "domain/auth/institution_limits.h"
#include "domain/auth/learner_token.h"
#include "domain/core.h"
#include "domain/crypto/key_ring.h"
#include "domain/programme_source.h"
#include "domain/rules/rules_engine.h"
#include "grpcpp/server.h"
#include "services/call_guard.h"
#include "services/channel_credentials.h"
#include "services/core_handle.h"
#include "services/grpc_rules_client.h"
#include "services/rules_service.h"
#include "services/transcripts_service.h"
#include "services/verification_service.h"

namespace creditbank::services {

// The largest request the server accepts: a full batch of 1,000 outcomes
// with maximum-length UTF-8 titles and every optional field is about
// 1 MiB. Kept close to that because a request is parsed before its item
// count is checked, and empty items cost memory out of proportion to their
// 2 bytes on the wire.
inline constexpr int kMaxRequestBytes = 2 << 20;
// gRPC threads serving calls at once; past it new calls are refused
// RESOURCE_EXHAUSTED instead of the process growing without bound. (An
// upload stream also has a writer thread of its own, and its chunks run on
// at most kMaxChunkTasks tasks server-wide: services/ledger_service.cc.)
inline constexpr int kMaxServerThreads = 1024;
// How long Shutdown waits for in-flight calls before cancelling them.
inline constexpr absl::Duration kShutdownGrace = absl::Seconds(10);
// How often the server looks whether storage stopped taking writes, and
// how often it then tries to resume them after a full disk.
inline constexpr absl::Duration kStorageWatchInterval = absl::Milliseconds(500);
inline constexpr absl::Duration kStorageRecoveryInterval = absl::Seconds(2);

// Service names accepted by --services.
inline constexpr const char* kServiceNames[] = {"accounts", "institutions", "ledger",
                                                "log",      "admin",        "rules",
                                                "transcripts", "verification"};
// The services that are the core (the ledger, what it needs, and its
// transparency log, which is written with the entries).
inline constexpr const char* kCoreServiceNames[] = {"accounts", "institutions", "ledger", "log"};
// How often the rules service looks for approved conversions whose
// sources were reversed (ReviewReversals), by default.
inline constexpr absl::Duration kDefaultConversionReviewInterval = absl::Minutes(5);
// How often the transcripts service looks for transcripts holding an entry
// reversed since they were issued (ReviewReversals), by default.
inline constexpr absl::Duration kDefaultTranscriptReviewInterval = absl::Minutes(5);
// The transcript issuer when the operator names none (a real deployment
// sets its own: verifiers see it in every transcript).
inline constexpr char kDefaultTranscriptIssuerId[] = "https://creditbank.local";
inline constexpr char kDefaultTranscriptIssuerName[] = "Lifelong-learning credit bank";
// The deadline of each call a split service makes to the core.
inline constexpr absl::Duration kCoreCallDeadline = absl::Seconds(30);

// PEM files for TLS. All three, or none (plaintext development mode,
// which the server accepts on loopback addresses only).
struct TlsFiles {
  std::string certificate;     // the server's certificate (chain)
  std::string private_key;     // its key: mode 0600 or stricter
  std::string client_ca;       // the bank's CA, which signs client certificates
  bool any() const { return !certificate.empty() || !private_key.empty() || !client_ca.empty(); }
};

struct ServerOptions {
  std::string listen = "127.0.0.1:50051";
  // Subset of kServiceNames; "all" expands to every one.
  std::set<std::string> services = {"accounts", "institutions", "ledger",     "log",
                                    "admin",    "rules",        "transcripts", "verification"};
  // The core (accounts, institutions, ledger) of a split deployment:
  // HOST:PORT, for a process that hosts rules without the core services.
  // Empty: the core is in this process.
  std::string core_address;
  // This process's client certificate for the core (role "service"); no
  // ca: plaintext, which only a loopback core accepts.
  ClientTlsFiles core_tls;
  absl::Duration conversion_review_interval = kDefaultConversionReviewInterval;
  // HOST:PORT of the transcripts service, for a process that hosts
  // verification without it; empty: this process, else the --core process.
  std::string transcripts_address;
  // HOST:PORT of the rules service, for a transcripts process without it
  // (transcripts over a programme's progress); empty: this process's rules
  // service if it hosts one, else none.
  std::string rules_address;
  std::string transcript_issuer_id = kDefaultTranscriptIssuerId;
  std::string transcript_issuer_name = kDefaultTranscriptIssuerName;
  absl::Duration transcript_review_interval = kDefaultTranscriptReviewInterval;
  // The transparency log's origin: the first line of every checkpoint,
  // and the name of the log's note key. Verifiers pin it: choose it once.
  std::string log_origin = std::string(domain::kDefaultLogOrigin);
  std::string data_dir = "./data";
  std::string key_file = "./creditbank.keys";
  size_t block_cache_bytes = size_t{256} << 20;
  TlsFiles tls;
  // Where CreateBackup writes; empty: backups refused.
  std::string backup_dir;
  // Per-institution limits on recording RPCs.
  domain::RequestLimits institution_limits;
};

// True for 127.0.0.0/8, ::1 and localhost listen addresses.
bool IsLoopbackAddress(const std::string& listen);

// Parses "all" or a comma-separated list; INVALID_ARGUMENT names the
// unknown service.
absl::StatusOr<std::set<std::string>> ParseServiceList(const std::string& list);

class CreditBankServer {
 public:
  static absl::StatusOr<std::unique_ptr<CreditBankServer>> Start(const ServerOptions& options,
                                                                 const Clock& clock);
  ~CreditBankServer();

  // The bound port (useful with port 0).
  int port() const { return port_; }
  absl::Status OpenStorage();
  void Shutdown();
  domain::Core* core() { return core_.get(); }

 private:
  CreditBankServer(const ServerOptions& options, const Clock& clock);
  void SetServing(bool serving);
  // Turns health NOT_SERVING once storage fails stop, so load balancers
  // and operators see it; after a full disk, keeps trying to resume writes
  // and turns health SERVING again when it can. Runs until Shutdown.
  void WatchStorage();
  // Runs ReviewReversals every conversion_review_interval until Shutdown.
  void ReviewConversions();
  // Runs the transcripts' ReviewReversals every transcript_review_interval.
  void ReviewTranscripts();
  // Opens the transcripts and verification engines this process hosts.
  absl::Status OpenTranscripts();

  const ServerOptions options_;
  const Clock& clock_;
  CoreHandle handle_;
  // Loaded at Start (so tokens verify from the first call), handed to the
  // core when storage opens.
  std::optional<domain::KeyRing> keys_;
  std::unique_ptr<domain::LearnerTokenSigner> token_signer_;
  std::unique_ptr<domain::InstitutionLimits> limits_;
  std::unique_ptr<Security> security_;
  std::vector<std::unique_ptr<grpc::Service>> services_;
  std::vector<std::string> service_names_;  // fully qualified, for health
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<domain::Core> core_;
  // Split deployments: the core over gRPC.
  std::unique_ptr<domain::CoreClient> remote_core_;
  RulesHandle rules_handle_;
  std::unique_ptr<domain::rules::RulesEngine> rules_;
  std::thread conversion_reviewer_;
  // Split deployments: the log, and a transcripts process, over gRPC.
  std::unique_ptr<domain::LogClient> remote_log_;
  std::unique_ptr<domain::TranscriptPublisher> remote_transcripts_;
  std::unique_ptr<GrpcRulesClient> remote_rules_;
  // The rules service as the transcripts engine sees it (in process or remote).
  std::unique_ptr<domain::ProgrammeSource> programmes_;
  TranscriptsHandle transcripts_handle_;
  std::unique_ptr<domain::TranscriptsEngine> transcripts_;
  std::thread transcript_reviewer_;
  VerificationHandle verification_handle_;
  std::unique_ptr<domain::VerificationEngine> verification_;
  int port_ = 0;
  bool shut_down_ = false;
  absl::Notification stop_watching_;
  std::thread storage_watcher_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_SERVER_H_
