#include "services/server.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status_macros.h"
#include "domain/crypto/key_ring.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/resource_quota.h"
#include "grpcpp/server_builder.h"
#include "services/account_service.h"
#include "services/admin_service.h"
#include "services/channel_credentials.h"
#include "services/institution_service.h"
#include "grpcpp/create_channel.h"
#include "services/grpc_core_client.h"
#include "services/grpc_log_client.h"
#include "services/grpc_transcripts_client.h"
#include "services/ledger_service.h"
#include "services/log_service.h"
#include "services/rules_service.h"
#include "spdlog/spdlog.h"
#include "storage/store.h"

namespace creditbank::services {

absl::StatusOr<std::set<std::string>> ParseServiceList(const std::string& list) {
  std::set<std::string> services;
  for (absl::string_view name : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
    if (name == "all") {
      for (const char* known : kServiceNames) services.insert(known);
      continue;
    }
    bool known = false;
    for (const char* candidate : kServiceNames) known = known || name == candidate;
    if (!known) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--services: unknown service '", name,
          "' (known: all, accounts, institutions, ledger, log, admin, rules, transcripts, "
          "verification)"));
    }
    services.insert(std::string(name));
  }
  if (services.empty()) return absl::InvalidArgumentError("--services: name at least one service");
  return services;
}

namespace {

// mTLS: the server presents its certificate; clients may present one
// (operators, institutions and services must, learners with a bearer
// token need not), and one that is presented must chain to the bank's CA,
// or the handshake fails.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeCredentials(
    const ServerOptions& options) {
  if (!options.tls.any()) {
    if (!IsLoopbackAddress(options.listen)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "refusing to serve plaintext on ", options.listen,
          ": without --tls_cert, --tls_key and --client_ca the server listens on loopback "
          "only (development mode); see deploy/tls/README.md"));
    }
    return grpc::InsecureServerCredentials();
  }
  if (options.tls.certificate.empty() || options.tls.private_key.empty() ||
      options.tls.client_ca.empty()) {
    return absl::InvalidArgumentError("TLS needs all of --tls_cert, --tls_key and --client_ca");
  }
  grpc::SslServerCredentialsOptions ssl(GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY);
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  ASSIGN_OR_RETURN(pair.cert_chain, ReadPemFile(options.tls.certificate, "--tls_cert", false));
  ASSIGN_OR_RETURN(pair.private_key, ReadPemFile(options.tls.private_key, "--tls_key", true));
  ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPemFile(options.tls.client_ca, "--client_ca", false));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  return grpc::SslServerCredentials(ssl);
}

// A process hosts the core services itself, or names a core with --core
// (and then hosts none of them): never both, never neither when it hosts
// a service that needs the core.
absl::Status CheckDeployment(const ServerOptions& options) {
  bool hosts_core = false;
  for (const char* name : kCoreServiceNames) hosts_core |= options.services.contains(name);
  if (hosts_core && !options.core_address.empty()) {
    return absl::InvalidArgumentError(
        "--core names another process's core, but this one hosts core services too "
        "(accounts, institutions, ledger or log): drop them from --services, or drop --core");
  }
  for (const char* needs_core : {"rules", "transcripts", "verification"}) {
    if (!hosts_core && options.core_address.empty() && options.services.contains(needs_core)) {
      return absl::InvalidArgumentError(absl::StrCat("--services=", needs_core,
                                                     " without the core services needs "
                                                     "--core=HOST:PORT of the core"));
    }
  }
  if (options.services.contains("verification") && !options.services.contains("transcripts") &&
      options.transcripts_address.empty() && options.core_address.empty()) {
    return absl::InvalidArgumentError(
        "--services=verification without the transcripts service needs "
        "--transcripts=HOST:PORT (or --core=HOST:PORT of an all-in-one server)");
  }
  if (!options.rules_address.empty() &&
      (!options.services.contains("transcripts") || options.services.contains("rules"))) {
    return absl::InvalidArgumentError(
        "--rules names the rules service for a transcripts process that does not host it");
  }
  if (!options.transcripts_address.empty() && options.services.contains("transcripts")) {
    return absl::InvalidArgumentError(
        "--transcripts names another process's transcripts service, but this one hosts it too");
  }
  if (options.core_address.empty() &&
      !(options.core_tls.ca.empty() && options.core_tls.certificate.empty())) {
    return absl::InvalidArgumentError("--core_tls_* flags need --core");
  }
  return absl::OkStatus();
}

}  // namespace

bool IsLoopbackAddress(const std::string& listen) {
  return absl::StartsWith(listen, "127.") || absl::StartsWith(listen, "[::1]:") ||
         absl::StartsWith(listen, "localhost:");
}

CreditBankServer::CreditBankServer(const ServerOptions& options, const Clock& clock)
    : options_(options), clock_(clock) {}

CreditBankServer::~CreditBankServer() { Shutdown(); }

absl::StatusOr<std::unique_ptr<CreditBankServer>> CreditBankServer::Start(
    const ServerOptions& options, const Clock& clock) {
  std::unique_ptr<CreditBankServer> server(new CreditBankServer(options, clock));
  RETURN_IF_ERROR(CheckDeployment(options));
  if (!options.core_address.empty()) {
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> core_credentials,
                     MakeChannelCredentials(options.core_tls));
    std::shared_ptr<grpc::Channel> core_channel =
        grpc::CreateChannel(options.core_address, core_credentials);
    server->remote_core_ = std::make_unique<GrpcCoreClient>(core_channel, kCoreCallDeadline);
    server->remote_log_ = std::make_unique<GrpcLogClient>(core_channel, kCoreCallDeadline);
  }
  if (options.services.contains("verification") && !options.services.contains("transcripts")) {
    // The published keys and status lists come from the transcripts
    // process named, else from the --core process (CheckDeployment made
    // sure there is one of the two).
    const std::string& address = options.transcripts_address.empty()
                                     ? options.core_address
                                     : options.transcripts_address;
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                     MakeChannelCredentials(options.core_tls));
    server->remote_transcripts_ = std::make_unique<GrpcTranscriptsClient>(
        grpc::CreateChannel(address, credentials), kCoreCallDeadline);
  }
  if (!options.rules_address.empty()) {
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> credentials,
                     MakeChannelCredentials(options.core_tls));
    server->remote_rules_ = std::make_unique<GrpcRulesClient>(
        grpc::CreateChannel(options.rules_address, credentials), kCoreCallDeadline);
  }
  ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials, MakeCredentials(options));
  ASSIGN_OR_RETURN(domain::KeyRing keys, domain::LoadOrCreateKeyRing(options.key_file));
  ASSIGN_OR_RETURN(domain::LearnerTokenSigner signer,
                   domain::LearnerTokenSigner::Create(keys.token_signing_key_pem,
                                                      keys.token_signing_key_id));
  server->keys_ = std::move(keys);
  server->token_signer_ = std::make_unique<domain::LearnerTokenSigner>(std::move(signer));
  server->limits_ = std::make_unique<domain::InstitutionLimits>(options.institution_limits, clock);
  server->security_ = std::make_unique<Security>(
      CallerIdentifier(options.tls.any(), &server->token_signer_->verifier(), clock),
      *server->limits_);
  const Security& security = *server->security_;
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(kMaxRequestBytes);
  grpc::ResourceQuota quota("creditbankd");
  quota.SetMaxThreads(kMaxServerThreads);
  builder.SetResourceQuota(quota);
  // No SO_REUSEPORT: a second server started on the same port (say, on
  // another data directory) must fail to start, not silently take half of
  // the connections. (It also stops gRPC 1.51 from opening a clone
  // listener on a second random port when asked for port 0.)
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  if (options.services.contains("accounts")) {
    server->services_.push_back(std::make_unique<AccountService>(server->handle_, security));
    server->service_names_.push_back(accounts::v1::AccountService::service_full_name());
  }
  if (options.services.contains("institutions")) {
    server->services_.push_back(std::make_unique<InstitutionService>(server->handle_, security));
    server->service_names_.push_back(
        institutions::v1::InstitutionService::service_full_name());
  }
  if (options.services.contains("ledger")) {
    server->services_.push_back(std::make_unique<LedgerService>(server->handle_, security));
    server->service_names_.push_back(ledger::v1::LedgerService::service_full_name());
  }
  if (options.services.contains("log")) {
    server->services_.push_back(std::make_unique<LogService>(security));
    server->service_names_.push_back(log::v1::LogService::service_full_name());
  }
  if (options.services.contains("rules")) {
    server->services_.push_back(std::make_unique<RulesService>(server->rules_handle_, security));
    server->service_names_.push_back(rules::v1::RulesService::service_full_name());
  }
  if (options.services.contains("transcripts")) {
    server->services_.push_back(
        std::make_unique<TranscriptsService>(server->transcripts_handle_, security));
    server->service_names_.push_back(
        transcripts::v1::TranscriptService::service_full_name());
  }
  if (options.services.contains("verification")) {
    server->services_.push_back(
        std::make_unique<VerificationService>(server->verification_handle_, security));
    server->service_names_.push_back(
        verification::v1::VerificationService::service_full_name());
  }
  if (options.services.contains("admin")) {
    server->services_.push_back(std::make_unique<AdminService>(
        security, *server->token_signer_, options.backup_dir, clock));
    server->service_names_.push_back(admin::v1::AdminService::service_full_name());
  }
  for (auto& service : server->services_) builder.RegisterService(service.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen));
  }
  server->SetServing(false);
  return server;
}

void CreditBankServer::SetServing(bool serving) {
  if (server_ == nullptr) return;
  grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService();
  if (health == nullptr) return;
  health->SetServingStatus("", serving);
  for (const std::string& name : service_names_) health->SetServingStatus(name, serving);
}

absl::Status CreditBankServer::OpenStorage() {
  const absl::Time started = clock_.Now();
  if (options_.services == std::set<std::string>{"verification"}) {
    // Verification keeps nothing: no data directory is opened.
    RETURN_IF_ERROR(OpenTranscripts());
    SetServing(true);
    return absl::OkStatus();
  }
  storage::StoreOptions store_options;
  store_options.path = options_.data_dir;
  store_options.block_cache_bytes = options_.block_cache_bytes;
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Store> store, storage::Store::Open(store_options));
  if (!keys_.has_value()) return absl::FailedPreconditionError("storage is already open");
  ASSIGN_OR_RETURN(core_, domain::Core::Open(std::move(store), *std::move(keys_), clock_,
                                             options_.log_origin));
  keys_.reset();
  handle_.Set(core_.get());
  security_->SetCore(core_.get());
  if (options_.services.contains("rules")) {
    domain::CoreClient& ledger =
        remote_core_ != nullptr ? *remote_core_ : static_cast<domain::CoreClient&>(*core_);
    ASSIGN_OR_RETURN(rules_, domain::rules::RulesEngine::Open(*core_, ledger, clock_));
    rules_handle_.Set(rules_.get());
    conversion_reviewer_ = std::thread([this] { ReviewConversions(); });
  }
  RETURN_IF_ERROR(OpenTranscripts());
  SetServing(true);
  storage_watcher_ = std::thread([this] { WatchStorage(); });
  spdlog::info("storage open at {} in {} ms", options_.data_dir,
               absl::ToInt64Milliseconds(clock_.Now() - started));
  return absl::OkStatus();
}

void CreditBankServer::WatchStorage() {
  bool stopped = false;
  absl::Time next_attempt = absl::InfinitePast();
  while (!stop_watching_.WaitForNotificationWithTimeout(kStorageWatchInterval)) {
    storage::Store& store = core_->store();
    if (!store.write_stopped()) continue;
    if (!stopped) {
      stopped = true;
      SetServing(false);
      if (store.write_stop_recoverable()) {
        spdlog::error("the disk is full: writes are refused and health is NOT_SERVING until "
                      "space is freed; reads still work; trying again every {} s",
                      absl::ToInt64Seconds(kStorageRecoveryInterval));
      } else {
        spdlog::error(
            "storage failed and stopped taking writes; health is NOT_SERVING. Reads still "
            "work. Restart the server once the disk is healthy (acknowledged writes are safe).");
      }
    }
    if (!store.write_stop_recoverable() || absl::Now() < next_attempt) continue;
    next_attempt = absl::Now() + kStorageRecoveryInterval;
    if (absl::Status recovered = core_->RecoverStorage(); recovered.ok()) {
      stopped = false;
      SetServing(true);
      spdlog::warn("space is back: storage takes writes again and health is SERVING");
    }
  }
}

void CreditBankServer::ReviewConversions() {
  while (!stop_watching_.WaitForNotificationWithTimeout(options_.conversion_review_interval)) {
    absl::StatusOr<rules::v1::ReviewReversalsResponse> review = rules_->ReviewReversals();
    if (!review.ok()) {
      spdlog::warn("conversion review failed, will retry: {}", review.status().ToString());
    } else if (!review->newly_flagged().empty()) {
      spdlog::warn("{} approved conversion request(s) lost a source entry to a reversal and "
                   "need review: cbctl requests list --needs-review",
                   review->newly_flagged_size());
    }
  }
}

absl::Status CreditBankServer::OpenTranscripts() {
  const domain::LogClient* log =
      remote_log_ != nullptr ? remote_log_.get()
                             : (core_ != nullptr ? &core_->log() : nullptr);
  if (options_.services.contains("transcripts")) {
    domain::CoreClient& core =
        remote_core_ != nullptr ? *remote_core_ : static_cast<domain::CoreClient&>(*core_);
    if (rules_ != nullptr) {
      programmes_ =
          std::make_unique<domain::ProgrammeSourceFor<domain::rules::RulesEngine>>(*rules_);
    } else if (remote_rules_ != nullptr) {
      programmes_ = std::make_unique<domain::ProgrammeSourceFor<GrpcRulesClient>>(*remote_rules_);
    }
    ASSIGN_OR_RETURN(transcripts_,
                     domain::TranscriptsEngine::Open(
                         *core_, core, *log, core_->transcript_key_encryption_key(),
                         {options_.transcript_issuer_id, options_.transcript_issuer_name}, clock_,
                         programmes_.get()));
    transcripts_handle_.Set(transcripts_.get());
    transcript_reviewer_ = std::thread([this] { ReviewTranscripts(); });
  }
  if (options_.services.contains("verification")) {
    const domain::TranscriptPublisher& publisher =
        transcripts_ != nullptr ? static_cast<const domain::TranscriptPublisher&>(*transcripts_)
                                : *remote_transcripts_;
    verification_ = std::make_unique<domain::VerificationEngine>(publisher, *log, clock_);
    verification_handle_.Set(verification_.get());
  }
  return absl::OkStatus();
}

void CreditBankServer::ReviewTranscripts() {
  while (!stop_watching_.WaitForNotificationWithTimeout(options_.transcript_review_interval)) {
    absl::StatusOr<size_t> flagged = transcripts_->ReviewReversals();
    if (!flagged.ok()) {
      spdlog::warn("transcript review failed, will retry: {}", flagged.status().ToString());
    } else if (*flagged > 0) {
      spdlog::warn("{} transcript(s) hold an entry reversed since issue and need review: "
                   "cbctl transcript list --account ... shows needs_review",
                   *flagged);
    }
  }
}

void CreditBankServer::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  stop_watching_.Notify();
  if (storage_watcher_.joinable()) storage_watcher_.join();
  if (conversion_reviewer_.joinable()) conversion_reviewer_.join();
  if (transcript_reviewer_.joinable()) transcript_reviewer_.join();
  SetServing(false);
  if (server_ != nullptr) {  // null when Start could not listen
    // Waits for in-flight calls up to the grace period, then cancels the
    // rest; a cancelled call's write is either committed whole or not at all.
    server_->Shutdown(absl::ToChronoTime(absl::Now() + kShutdownGrace));
    server_->Wait();
  }
  rules_handle_.Set(nullptr);
  transcripts_handle_.Set(nullptr);
  verification_handle_.Set(nullptr);
  verification_.reset();
  if (core_ != nullptr) {
    core_->StopWrites();
    handle_.Set(nullptr);
    if (security_ != nullptr) security_->SetCore(nullptr);
    rules_.reset();
    transcripts_.reset();
    core_.reset();  // closes RocksDB
  }
}

}  // namespace creditbank::services
