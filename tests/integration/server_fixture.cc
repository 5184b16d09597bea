#include "tests/integration/server_fixture.h"

#include <condition_variable>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "grpcpp/client_context.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
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

Health CheckHealth(grpc::Channel& channel, const std::string& service) {
  std::string request;
  {
    google::protobuf::io::StringOutputStream raw(&request);
    google::protobuf::io::CodedOutputStream out(&raw);
    out.WriteTag(0x0a);  // field 1, length-delimited
    out.WriteVarint32(service.size());
    out.WriteString(service);
  }
  grpc::GenericStub stub(channel.shared_from_this());
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::Slice slice(request);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  std::mutex mutex;
  std::condition_variable done_signal;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request_buffer,
                 &response_buffer, [&](grpc::Status s) {
                   std::lock_guard<std::mutex> lock(mutex);
                   status = s;
                   done = true;
                   done_signal.notify_one();
                 });
  std::unique_lock<std::mutex> lock(mutex);
  done_signal.wait(lock, [&] { return done; });
  if (!status.ok()) return Health::kCallFailed;
  std::vector<grpc::Slice> slices;
  if (!response_buffer.Dump(&slices).ok()) return Health::kCallFailed;
  std::string response;
  for (const grpc::Slice& part : slices) {
    response.append(reinterpret_cast<const char*>(part.begin()), part.size());
  }
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(response.data()), static_cast<int>(response.size()));
  uint32_t value = 0;
  if (response.empty()) return Health::kUnknown;  // proto3 default
  if (in.ReadTag() != 0x08 || !in.ReadVarint32(&value)) return Health::kCallFailed;
  return static_cast<Health>(value);
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
