// creditbankd: the credit bank server. Hosts any subset of the services on
// one port over one embedded RocksDB data directory.
//
//   creditbankd                                  # all services, ./data
//   creditbankd --listen=127.0.0.1:0 --port_file=port --data_dir=/var/lib/cb
//   creditbankd --check --data_dir=/var/lib/cb   # consistency check, offline
//   creditbankd --listen=0.0.0.0:50051 --tls_cert=tls/bank.crt --tls_key=tls/bank.key
//               --client_ca=tls/ca.crt --backup_dir=/var/backups/cb
//   creditbankd --restore_from=/var/backups/cb --data_dir=/var/lib/cb-restored
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <string>

#include "CLI/CLI.hpp"
#include "common/clock.h"
#include "domain/consistency_check.h"
#include "domain/crypto/key_ring.h"
#include "services/server.h"
#include "spdlog/spdlog.h"
#include "storage/store.h"

namespace {

using creditbank::services::ServerOptions;

// Exit codes: 0 fine, 1 the check found differences, 2 could not run.
constexpr int kExitInconsistent = 1;
constexpr int kExitError = 2;

int RunRestore(const std::string& backup_dir, const std::string& data_dir) {
  absl::Status restored = creditbank::storage::RestoreLatestBackup(backup_dir, data_dir);
  if (!restored.ok()) {
    std::cerr << "creditbankd --restore_from: " << restored.message() << "\n";
    return kExitError;
  }
  std::cout << "restored the latest backup of " << backup_dir << " into " << data_dir << "\n";
  return 0;
}

int RunRotatePiiKey(const std::string& key_file) {
  absl::StatusOr<uint32_t> key_id = creditbank::domain::RotatePiiKey(key_file);
  if (!key_id.ok()) {
    std::cerr << "creditbankd --rotate_pii_key: " << key_id.status().message() << "\n";
    return kExitError;
  }
  std::cout << "personal-data key " << *key_id << " is now active in " << key_file
            << "; start the server and run `cbctl admin reencrypt` to re-seal older accounts\n";
  return 0;
}

int RunCheck(const ServerOptions& options) {
  creditbank::storage::StoreOptions store_options;
  store_options.path = options.data_dir;
  store_options.read_only = true;
  store_options.must_exist = true;
  auto store = creditbank::storage::Store::Open(store_options);
  if (!store.ok()) {
    std::cerr << "creditbankd --check: " << store.status().message() << "\n";
    return kExitError;
  }
  // The log is rebuilt from the entries with the key file's leaf salt;
  // without a readable key file only the rest is checked (said below).
  std::optional<creditbank::domain::tlog::LeafHasher> leaf_hasher;
  std::ifstream key_file(options.key_file, std::ios::binary);
  if (key_file) {
    std::string contents((std::istreambuf_iterator<char>(key_file)),
                         std::istreambuf_iterator<char>());
    auto keys = creditbank::domain::ParseKeyRing(contents);
    if (!keys.ok()) {
      std::cerr << "creditbankd --check: " << keys.status().message() << "\n";
      return kExitError;
    }
    leaf_hasher.emplace(creditbank::domain::tlog::LeafSaltKey(keys->identity_hmac_secret));
  }
  auto report = creditbank::domain::CheckConsistency(
      **store, leaf_hasher.has_value() ? &*leaf_hasher : nullptr);
  if (!report.ok()) {
    std::cerr << "creditbankd --check: " << report.status().message() << "\n";
    return kExitError;
  }
  std::cout << "entries checked: " << report->entries_checked << "\n"
            << "accounts checked: " << report->accounts_checked << "\n"
            << "transparency log: "
            << (leaf_hasher.has_value() ? "rebuilt from the entries and compared"
                                        : "not checked (no --key_file to read)")
            << "\n";
  for (const std::string& difference : report->differences) {
    std::cout << "DIFFERENCE: " << difference << "\n";
  }
  if (!report->consistent()) {
    std::cout << "INCONSISTENT: " << report->difference_count << " differences\n";
    return kExitInconsistent;
  }
  std::cout << "consistent\n";
  return 0;
}

// Blocks SIGINT/SIGTERM in every thread (call before any thread starts),
// so that WaitForShutdownSignal receives them synchronously.
sigset_t BlockShutdownSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int WaitForShutdownSignal(const sigset_t& signals) {
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  return signal_number;
}

}  // namespace

int main(int argc, char** argv) {
  const sigset_t shutdown_signals = BlockShutdownSignals();
  ServerOptions options;
  std::string services = "all";
  std::string port_file;
  std::string log_level = "info";
  size_t block_cache_mib = options.block_cache_bytes >> 20;
  bool check = false;
  std::string restore_from;
  bool rotate_pii_key = false;

  CLI::App app{"creditbankd: lifelong-learning credit bank server"};
  app.add_option("--listen", options.listen, "address:port to serve on (port 0 picks one)")
      ->capture_default_str();
  app.add_option("--services", services, "all, or a comma list of accounts,institutions,ledger,log,admin,rules,"
                 "transcripts,verification")
      ->capture_default_str();
  app.add_option("--data_dir", options.data_dir, "RocksDB data directory")->capture_default_str();
  app.add_option("--log_origin", options.log_origin,
                 "the transparency log's name in its checkpoints (verifiers pin it), "
                 "e.g. creditbank.cq.gov.cn/log")
      ->capture_default_str();
  app.add_option("--key_file", options.key_file,
                 "key file (created 0600 on first start); keep it outside the data directory")
      ->capture_default_str();
  app.add_option("--block_cache_mb", block_cache_mib, "RocksDB block cache size in MiB")
      ->capture_default_str();
  app.add_option("--port_file", port_file, "write the bound port to this file once serving");
  app.add_option("--log_level", log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  app.add_flag("--check", check,
               "check the consistency of --data_dir (server stopped) and exit: "
               "0 consistent, 1 differences, 2 error");
  app.add_option("--tls_cert", options.tls.certificate, "server certificate (PEM)");
  app.add_option("--tls_key", options.tls.private_key, "server private key (PEM, mode 0600)");
  app.add_option("--client_ca", options.tls.client_ca,
                 "the bank's CA (PEM): client certificates must chain to it");
  app.add_option("--backup_dir", options.backup_dir,
                 "where `cbctl admin backup` writes backups (empty: backups refused)");
  app.add_option("--institution_requests_per_second",
                 options.institution_limits.requests_per_second,
                 "recording requests per second per institution (0: no limit)")
      ->capture_default_str();
  app.add_option("--institution_burst", options.institution_limits.burst,
                 "requests an institution may send at once after idling")
      ->capture_default_str();
  app.add_option("--institution_max_batch", options.institution_limits.max_batch_items,
                 "largest RecordOutcomes request or upload chunk per institution")
      ->capture_default_str();
  app.add_option("--core", options.core_address,
                 "HOST:PORT of the core (accounts, institutions, ledger) when this process "
                 "hosts only other services, e.g. --services=rules --core=core.bank:50051");
  app.add_option("--core_tls_ca", options.core_tls.ca, "the bank's CA, to verify the core (PEM)");
  app.add_option("--core_tls_cert", options.core_tls.certificate,
                 "this process's client certificate for the core (PEM, role service)");
  app.add_option("--core_tls_key", options.core_tls.private_key,
                 "its private key (PEM, mode 0600)");
  double review_seconds = absl::ToDoubleSeconds(options.conversion_review_interval);
  app.add_option("--conversion_review_seconds", review_seconds,
                 "how often to look for approved conversions whose sources were reversed")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 86400.0));
  double transcript_review_seconds = absl::ToDoubleSeconds(options.transcript_review_interval);
  app.add_option("--transcript_review_seconds", transcript_review_seconds,
                 "how often to look for transcripts holding an entry reversed since issue")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 86400.0));
  app.add_option("--transcript_issuer_id", options.transcript_issuer_id,
                 "the bank's id in its transcripts, an https URL; status lists are "
                 "<id>/status/<n>")
      ->capture_default_str();
  app.add_option("--transcript_issuer_name", options.transcript_issuer_name,
                 "the bank's name in its transcripts")
      ->capture_default_str();
  app.add_option("--transcripts", options.transcripts_address,
                 "HOST:PORT of the transcripts service, for a verification process without it "
                 "(default: the --core process)");
  app.add_option("--rules", options.rules_address,
                 "HOST:PORT of the rules service, for a transcripts process without it: "
                 "transcripts over a programme's progress need it (default: none)");
  app.add_option("--restore_from", restore_from,
                 "restore the latest backup in this directory into --data_dir (which must "
                 "be missing or empty) and exit");
  app.add_flag("--rotate_pii_key", rotate_pii_key,
               "add a new personal-data key to --key_file, make it the active one and exit "
               "(server stopped); then start the server and run `cbctl admin reencrypt`");
  CLI11_PARSE(app, argc, argv);

  const spdlog::level::level_enum level = spdlog::level::from_str(log_level);
  if (level == spdlog::level::off && log_level != "off") {
    std::cerr << "--log_level: unknown level '" << log_level
              << "' (trace, debug, info, warn, error, critical, off)\n";
    return kExitError;
  }
  spdlog::set_level(level);
  options.block_cache_bytes = block_cache_mib << 20;
  options.conversion_review_interval = absl::Seconds(review_seconds);
  options.transcript_review_interval = absl::Seconds(transcript_review_seconds);
  if (check) return RunCheck(options);
  if (!restore_from.empty()) return RunRestore(restore_from, options.data_dir);
  if (rotate_pii_key) return RunRotatePiiKey(options.key_file);

  auto service_set = creditbank::services::ParseServiceList(services);
  if (!service_set.ok()) {
    std::cerr << service_set.status().message() << "\n";
    return kExitError;
  }
  options.services = *service_set;

  creditbank::RealClock clock;
  auto server = creditbank::services::CreditBankServer::Start(options, clock);
  if (!server.ok()) {
    spdlog::error("{}", std::string(server.status().message()));
    return kExitError;
  }
  if (options.tls.any()) {
    spdlog::info("serving mTLS: client certificates from {} identify operators, institutions "
                 "and services; learners send bearer tokens",
                 options.tls.client_ca);
  } else {
    spdlog::warn("DEVELOPMENT MODE: plaintext gRPC on loopback {}; callers have no identity "
                 "and every call may do everything. Use --tls_cert/--tls_key/--client_ca "
                 "for anything else (deploy/tls/README.md)",
                 options.listen);
  }
  spdlog::info("listening on port {}, services: {}", (*server)->port(), services);
  if (absl::Status status = (*server)->OpenStorage(); !status.ok()) {
    spdlog::error("cannot open storage: {}", std::string(status.message()));
    (*server)->Shutdown();
    return kExitError;
  }
  if (!port_file.empty()) {
    // Written after storage is open, so its presence means "ready".
    std::string temporary = port_file + ".tmp";
    std::ofstream out(temporary);
    out << (*server)->port() << "\n";
    out.close();
    if (!out || std::rename(temporary.c_str(), port_file.c_str()) != 0) {
      spdlog::error("cannot write the port file {}", port_file);
      (*server)->Shutdown();
      return kExitError;
    }
  }
  const int signal_number = WaitForShutdownSignal(shutdown_signals);
  spdlog::info("signal {} received: finishing in-flight calls and shutting down", signal_number);
  (*server)->Shutdown();
  spdlog::info("shut down cleanly");
  return 0;
}
