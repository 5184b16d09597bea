// ServerFixture: a real CreditBankServer on 127.0.0.1:0 over a RocksDB in a
// temp directory, and a GrpcCoreClient talking to it over loopback.
#ifndef CREDITBANK_TESTS_INTEGRATION_SERVER_FIXTURE_H_
#define CREDITBANK_TESTS_INTEGRATION_SERVER_FIXTURE_H_

#include <memory>
#include <set>
#include <string>

#include "common/clock.h"
#include "grpcpp/channel.h"
#include "services/grpc_core_client.h"
#include "services/server.h"
#include "tests/testing/temp_dir.h"

namespace creditbank::testing {

class ServerFixture {
 public:
  // Starts serving; storage is opened too unless `open_storage` is false.
  explicit ServerFixture(bool open_storage = true,
                         std::set<std::string> services = {"accounts", "institutions",
                                                           "ledger"});
  ~ServerFixture();

  services::CreditBankServer& server() { return *server_; }
  std::string address() const;
  std::shared_ptr<grpc::Channel> NewChannel() const;
  services::GrpcCoreClient& client() { return *client_; }
  FakeClock& clock() { return clock_; }
  const TempDir& dir() const { return dir_; }
  std::string data_dir() const { return dir_.File("data"); }

  // Shuts the server down (graceful) and starts a new one on the same data.
  void Restart();
  void Shutdown();

 private:
  void Start(bool open_storage);

  TempDir dir_;
  FakeClock clock_;
  services::ServerOptions options_;
  std::unique_ptr<services::CreditBankServer> server_;
  std::unique_ptr<services::GrpcCoreClient> client_;
};

// grpc.health.v1 is served by gRPC itself; its proto is not installed, so
// CheckHealth encodes its two one-field messages by hand.
enum class Health { kUnknown = 0, kServing = 1, kNotServing = 2, kCallFailed = -1 };
Health CheckHealth(grpc::Channel& channel, const std::string& service);

// Registers and accredits `code` (fixtures' BroadScope) through `client`.
void AccreditOverGrpc(domain::CoreClient& client, const std::string& code);

}  // namespace creditbank::testing

#endif  // CREDITBANK_TESTS_INTEGRATION_SERVER_FIXTURE_H_
