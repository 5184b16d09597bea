#include "tests/integration/server_fixture.h"

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/testing/fixtures.h"

namespace creditbank::testing {

ServerFixture::ServerFixture(bool open_storage, std::set<std::string> services)
    : clock_(FixtureNow()) {
  options_.listen = "127.0.0.1:0";
  options_.services = std::move(services);
  options_.data_dir = data_dir();
  options_.key_file = dir_.File("keys.json");
  options_.block_cache_bytes = 8 << 20;
  Start(open_storage);
}

ServerFixture::~ServerFixture() { Shutdown(); }

void ServerFixture::Start(bool open_storage) {
  absl::StatusOr<std::unique_ptr<services::CreditBankServer>> server =
      services::CreditBankServer::Start(options_, clock_);
  if (!server.ok()) {
    ADD_FAILURE() << server.status();
    std::abort();
  }
  server_ = *std::move(server);
  if (open_storage) {
    absl::Status status = server_->OpenStorage();
    if (!status.ok()) {
      ADD_FAILURE() << status;
      std::abort();
    }
  }
  client_ = std::make_unique<services::GrpcCoreClient>(NewChannel());
}

std::string ServerFixture::address() const {
  return absl::StrCat("127.0.0.1:", server_->port());
}

std::shared_ptr<grpc::Channel> ServerFixture::NewChannel() const {
  return grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
}

void ServerFixture::Shutdown() {
  client_.reset();
  if (server_ != nullptr) server_->Shutdown();
  server_.reset();
}

void ServerFixture::Restart() {
  Shutdown();
  Start(true);
}

void AccreditOverGrpc(domain::CoreClient& client, const std::string& code) {
  institutions::v1::RegisterInstitutionRequest registration;
  registration.set_code(code);
  registration.set_name("重庆城市管理职业学院");
  registration.set_sector(common::v1::SECTOR_VOCATIONAL);
  ASSERT_TRUE(client.RegisterInstitution(registration).ok());
  institutions::v1::AccreditInstitutionRequest accreditation;
  accreditation.set_code(code);
  *accreditation.mutable_scope() = BroadScope();
  accreditation.set_reason("渝教职成〔2026〕7号");
  ASSERT_TRUE(client.AccreditInstitution(accreditation).ok());
}

}  // namespace creditbank::testing
