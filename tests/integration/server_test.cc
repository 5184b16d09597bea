// The real server on a loopback port, driven by real gRPC clients: health
// and reflection, error details on the wire, streams, service subsets,
// oversized messages and graceful shutdown.
#include <atomic>
#include <thread>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/support/byte_buffer.h"
#include "gtest/gtest.h"
#include "services/status_conversion.h"
#include "tests/integration/server_fixture.h"
#include "tests/testing/error_matchers.h"
#include "tests/testing/fixtures.h"

namespace creditbank {
namespace {

using ::creditbank::testing::AccreditOverGrpc;
using ::creditbank::testing::CheckHealth;
using ::creditbank::testing::Health;
using ::creditbank::testing::CourseOutcome;
using ::creditbank::testing::HasField;
using ::creditbank::testing::HasReason;
using ::creditbank::testing::IsOk;
using ::creditbank::testing::OpenRequest;
using ::creditbank::testing::ResidentId;
using ::creditbank::testing::ResidentIdWithWrongCheck;
using ::creditbank::testing::ServerFixture;
using ::creditbank::testing::StatusIs;
using ::testing::UnorderedElementsAre;
namespace ledger_v1 = ::creditbank::ledger::v1;

TEST(ServerTest, HealthIsNotServingUntilStorageOpens) {
  ServerFixture fixture(/*open_storage=*/false);
  auto channel = fixture.NewChannel();
  EXPECT_EQ(CheckHealth(*channel, ""), Health::kNotServing);
  EXPECT_EQ(CheckHealth(*channel, "creditbank.ledger.v1.LedgerService"), Health::kNotServing);

  ledger_v1::GetEntryRequest request;
  request.set_entry_id(1);
  EXPECT_THAT(fixture.client().GetEntry(request), StatusIs(absl::StatusCode::kUnavailable));

  ASSERT_OK(fixture.server().OpenStorage());
  EXPECT_EQ(CheckHealth(*channel, ""), Health::kServing);
  for (const char* service : {"creditbank.accounts.v1.AccountService",
                              "creditbank.institutions.v1.InstitutionService",
                              "creditbank.ledger.v1.LedgerService"}) {
    EXPECT_EQ(CheckHealth(*channel, service), Health::kServing) << service;
  }
}

// Lists services through server reflection, using the reflection messages
// that libgrpc++_reflection registers in the generated descriptor pool.
std::vector<std::string> ListServicesByReflection(grpc::Channel& channel) {
  namespace pb = ::google::protobuf;
  const pb::DescriptorPool* pool = pb::DescriptorPool::generated_pool();
  const pb::Descriptor* request_type =
      pool->FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionRequest");
  const pb::Descriptor* response_type =
      pool->FindMessageTypeByName("grpc.reflection.v1alpha.ServerReflectionResponse");
  if (request_type == nullptr || response_type == nullptr) return {"<no reflection protos>"};
  pb::DynamicMessageFactory factory;
  std::unique_ptr<pb::Message> request(factory.GetPrototype(request_type)->New());
  request->GetReflection()->SetString(request.get(),
                                      request_type->FindFieldByName("list_services"), "*");

  grpc::GenericStub stub(channel.shared_from_this());
  grpc::ClientContext context;
  grpc::CompletionQueue queue;
  void* tag = nullptr;
  bool ok = false;
  auto call = stub.PrepareCall(&context,
                               "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                               &queue);
  call->StartCall(reinterpret_cast<void*>(1));
  queue.Next(&tag, &ok);
  grpc::Slice slice(request->SerializeAsString());
  grpc::ByteBuffer outgoing(&slice, 1);
  call->WriteLast(outgoing, grpc::WriteOptions(), reinterpret_cast<void*>(2));
  queue.Next(&tag, &ok);
  grpc::ByteBuffer incoming;
  call->Read(&incoming, reinterpret_cast<void*>(3));
  queue.Next(&tag, &ok);
  std::vector<std::string> names;
  std::vector<grpc::Slice> slices;
  if (ok && incoming.Dump(&slices).ok()) {
    std::string bytes;
    for (const grpc::Slice& part : slices) {
      bytes.append(reinterpret_cast<const char*>(part.begin()), part.size());
    }
    std::unique_ptr<pb::Message> response(factory.GetPrototype(response_type)->New());
    response->ParseFromString(bytes);
    const pb::FieldDescriptor* list_field = response_type->FindFieldByName("list_services_response");
    const pb::Message& list = response->GetReflection()->GetMessage(*response, list_field);
    const pb::FieldDescriptor* service_field = list.GetDescriptor()->FindFieldByName("service");
    for (int i = 0; i < list.GetReflection()->FieldSize(list, service_field); ++i) {
      const pb::Message& service =
          list.GetReflection()->GetRepeatedMessage(list, service_field, i);
      names.push_back(service.GetReflection()->GetString(
          service, service.GetDescriptor()->FindFieldByName("name")));
    }
  }
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  while (queue.Next(&tag, &ok) && tag != reinterpret_cast<void*>(4)) {
  }
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  return names;
}

TEST(ServerTest, ReflectionListsEveryService) {
  ServerFixture fixture;
  EXPECT_THAT(ListServicesByReflection(*fixture.NewChannel()),
              ::testing::IsSupersetOf({"creditbank.accounts.v1.AccountService",
                                       "creditbank.institutions.v1.InstitutionService",
                                       "creditbank.ledger.v1.LedgerService",
                                       "grpc.health.v1.Health"}));
}

TEST(ServerTest, FieldViolationsTravelOverTheWire) {
  ServerFixture fixture;
  absl::StatusOr<accounts::v1::OpenAccountResponse> opened =
      fixture.client().OpenAccount(OpenRequest(ResidentIdWithWrongCheck(3)));
  EXPECT_THAT(opened, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasField("identity.resident_id")));
  EXPECT_THAT(opened, HasReason("INVALID_FIELD"));

  // The same error read with a plain stub: the standard details trailer.
  auto stub = accounts::v1::AccountService::NewStub(fixture.NewChannel());
  grpc::ClientContext context;
  accounts::v1::OpenAccountResponse response;
  grpc::Status status =
      stub->OpenAccount(&context, OpenRequest(ResidentIdWithWrongCheck(3)), &response);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), 3);
  EXPECT_GE(details.details_size(), 2);  // BadRequest and ErrorReason
}

TEST(ServerTest, TermEndWorkflowOverGrpc) {
  ServerFixture fixture;
  AccreditOverGrpc(fixture.client(), "5150013001");
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse opened,
                       fixture.client().OpenAccount(OpenRequest(ResidentId(7), "王芳")));
  const std::string account = opened.account().account_number();
  EXPECT_EQ(opened.account().details().name(), "王芳");

  ledger_v1::RecordOutcomesRequest batch;
  batch.set_institution_code("5150013001");
  for (int i = 0; i < 20; ++i) {
    *batch.add_outcomes() = CourseOutcome(account, absl::StrCat("2026S1-", i),
                                          absl::StrCat("C", i), "计算机应用基础");
  }
  batch.mutable_outcomes(5)->set_credits_milli(-1);  // invalid: reported per item
  ASSERT_OK_AND_ASSIGN(ledger_v1::RecordOutcomesResponse recorded,
                       fixture.client().RecordOutcomes(batch));
  ASSERT_EQ(recorded.results_size(), 20);
  EXPECT_TRUE(recorded.results(5).has_error());
  EXPECT_EQ(recorded.results(5).error().code(), 3);
  absl::Status item_error = domain::FromRpcStatus(recorded.results(5).error());
  EXPECT_THAT(item_error, StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasField("outcomes[5].credits_milli")));
  int recorded_count = 0;
  for (const auto& result : recorded.results()) recorded_count += result.entry_id() != 0;
  EXPECT_EQ(recorded_count, 19);

  ledger_v1::GetBalancesRequest balances;
  balances.set_account_number(account);
  ASSERT_OK_AND_ASSIGN(ledger_v1::GetBalancesResponse sheet,
                       fixture.client().GetBalances(balances));
  EXPECT_EQ(sheet.total().available_credits_milli(), 19 * 3000);

  ledger_v1::CheckConsistencyRequest check;
  ASSERT_OK_AND_ASSIGN(ledger_v1::CheckConsistencyResponse report,
                       fixture.client().CheckConsistency(check));
  EXPECT_TRUE(report.consistent());
  EXPECT_EQ(report.entries_checked(), 19u);
}

TEST(ServerTest, StreamAnswersEveryChunkInOrderAndRefusesBadChunksInBand) {
  ServerFixture fixture;
  AccreditOverGrpc(fixture.client(), "5150013001");
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse opened,
                       fixture.client().OpenAccount(OpenRequest(ResidentId(8))));
  const std::string account = opened.account().account_number();

  auto stub = ledger_v1::LedgerService::NewStub(fixture.NewChannel());
  grpc::ClientContext context;
  auto stream = stub->StreamOutcomes(&context);
  // Six chunks sent ahead without waiting; the fourth names an unknown
  // institution and is refused as a whole, the others are recorded.
  constexpr int kChunks = 6;
  constexpr int kRefused = 3;
  for (int chunk = 0; chunk < kChunks; ++chunk) {
    ledger_v1::RecordOutcomesRequest request;
    request.set_institution_code(chunk == kRefused ? "9999999999" : "5150013001");
    for (int i = 0; i < 10; ++i) {
      *request.add_outcomes() =
          CourseOutcome(account, absl::StrCat("s-", chunk, "-", i), absl::StrCat("K", i));
    }
    ASSERT_TRUE(stream->Write(request));
  }
  ASSERT_TRUE(stream->WritesDone());
  for (int chunk = 0; chunk < kChunks; ++chunk) {
    ledger_v1::RecordOutcomesResponse response;
    ASSERT_TRUE(stream->Read(&response)) << "chunk " << chunk;
    if (chunk == kRefused) {
      EXPECT_EQ(response.results_size(), 0);
      EXPECT_THAT(domain::FromRpcStatus(response.error()),
                  StatusIs(absl::StatusCode::kNotFound, HasField("institution_code")));
      continue;
    }
    EXPECT_FALSE(response.has_error());
    ASSERT_EQ(response.results_size(), 10);
    for (int i = 0; i < 10; ++i) {
      const ledger_v1::ItemResult& result = response.results(i);
      ASSERT_FALSE(result.has_error());
      // The answer belongs to this chunk: its entries carry its request ids.
      ledger_v1::GetEntryRequest get;
      get.set_entry_id(result.entry_id());
      ASSERT_OK_AND_ASSIGN(ledger_v1::Entry entry, fixture.client().GetEntry(get));
      EXPECT_EQ(entry.outcome().request_id(), absl::StrCat("s-", chunk, "-", i));
    }
  }
  ledger_v1::RecordOutcomesResponse extra;
  EXPECT_FALSE(stream->Read(&extra));
  EXPECT_TRUE(stream->Finish().ok());

  ledger_v1::ListEntriesRequest list;
  list.set_account_number(account);
  ASSERT_OK_AND_ASSIGN(ledger_v1::ListEntriesResponse entries,
                       fixture.client().ListEntries(list));
  EXPECT_EQ(entries.entries_size(), (kChunks - 1) * 10);
}

TEST(ServerTest, HostsOnlyTheServicesAskedFor) {
  ServerFixture fixture(true, {"ledger"});
  EXPECT_THAT(fixture.client().OpenAccount(OpenRequest(ResidentId(1))),
              StatusIs(absl::StatusCode::kUnimplemented));
  ledger_v1::GetEntryRequest request;
  request.set_entry_id(1);
  EXPECT_THAT(fixture.client().GetEntry(request), StatusIs(absl::StatusCode::kNotFound));
}

TEST(ServerTest, ASecondServerCannotTakeTheSamePort) {
  ServerFixture fixture;
  testing::TempDir other;
  services::ServerOptions options;
  options.listen = fixture.address();
  options.data_dir = other.File("data");
  options.key_file = other.File("keys.json");
  FakeClock clock(testing::FixtureNow());
  absl::StatusOr<std::unique_ptr<services::CreditBankServer>> second =
      services::CreditBankServer::Start(options, clock);
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(CheckHealth(*fixture.NewChannel(), ""), Health::kServing);
}

TEST(ServerTest, RefusesOversizedMessagesAndKeepsServing) {
  ServerFixture fixture;
  grpc::ChannelArguments arguments;
  arguments.SetMaxSendMessageSize(64 << 20);
  auto channel = grpc::CreateCustomChannel(fixture.address(), grpc::InsecureChannelCredentials(),
                                           arguments);
  auto stub = accounts::v1::AccountService::NewStub(channel);
  accounts::v1::OpenAccountRequest huge = OpenRequest(ResidentId(2));
  huge.mutable_details()->set_name(std::string(services::kMaxRequestBytes + 1, 'a'));
  grpc::ClientContext context;
  accounts::v1::OpenAccountResponse response;
  EXPECT_EQ(stub->OpenAccount(&context, huge, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(fixture.client().OpenAccount(OpenRequest(ResidentId(2))), IsOk());
}

TEST(ServerTest, GracefulShutdownKeepsEveryAcknowledgedWrite) {
  ServerFixture fixture;
  AccreditOverGrpc(fixture.client(), "5150013001");
  ASSERT_OK_AND_ASSIGN(accounts::v1::OpenAccountResponse opened,
                       fixture.client().OpenAccount(OpenRequest(ResidentId(9))));
  const std::string account = opened.account().account_number();

  std::atomic<int> acknowledged{0};
  std::vector<std::vector<int>> acknowledged_by_writer(8);
  std::vector<std::thread> writers;
  const std::string address = fixture.address();
  auto request_for = [&](int writer, int i) {
    ledger_v1::RecordOutcomeRequest request;
    request.set_institution_code("5150013001");
    *request.mutable_outcome() =
        CourseOutcome(account, absl::StrCat("g-", writer, "-", i), absl::StrCat("G", i));
    return request;
  };
  for (int w = 0; w < 8; ++w) {
    writers.emplace_back([&, w] {
      services::GrpcCoreClient client(
          grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
      for (int i = 0;; ++i) {
        if (!client.RecordOutcome(request_for(w, i)).ok()) return;
        acknowledged_by_writer[w].push_back(i);
        ++acknowledged;
      }
    });
  }
  while (acknowledged < 200) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  fixture.Shutdown();
  for (std::thread& writer : writers) writer.join();

  fixture.Restart();
  // Every acknowledged write is there: sending it again is a replay.
  for (int w = 0; w < 8; ++w) {
    for (int i : acknowledged_by_writer[w]) {
      ASSERT_OK_AND_ASSIGN(ledger_v1::RecordOutcomeResponse again,
                           fixture.client().RecordOutcome(request_for(w, i)));
      EXPECT_TRUE(again.replayed()) << "writer " << w << " request " << i;
    }
  }
  ledger_v1::CheckConsistencyRequest check;
  ASSERT_OK_AND_ASSIGN(ledger_v1::CheckConsistencyResponse report,
                       fixture.client().CheckConsistency(check));
  EXPECT_TRUE(report.consistent());
}

}  // namespace
}  // namespace creditbank
