// LedgerService: creditbank.ledger.v1 over gRPC, including the streaming
// upload that term-end imports use.
#ifndef CREDITBANK_SERVICES_LEDGER_SERVICE_H_
#define CREDITBANK_SERVICES_LEDGER_SERVICE_H_

#include "creditbank/ledger/v1/ledger.grpc.pb.h"
#include "services/call_guard.h"
#include "services/core_handle.h"

namespace creditbank::services {

namespace ledger_v1 = ::creditbank::ledger::v1;

class LedgerService final : public ledger_v1::LedgerService::Service {
 public:
  LedgerService(const CoreHandle& core, const Security& security)
      : core_(core), security_(security) {}

  grpc::Status RecordOutcome(grpc::ServerContext* context, const ledger_v1::RecordOutcomeRequest* request,
                             ledger_v1::RecordOutcomeResponse* response) override;
  grpc::Status RecordOutcomes(grpc::ServerContext* context,
                              const ledger_v1::RecordOutcomesRequest* request,
                              ledger_v1::RecordOutcomesResponse* response) override;
  // Several chunks are worked on at once and answered in order, each once
  // durable; a chunk refused as a whole is answered with its error set and
  // the stream goes on.
  grpc::Status StreamOutcomes(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<ledger_v1::RecordOutcomesResponse,
                               ledger_v1::RecordOutcomesRequest>* stream) override;
  grpc::Status ReverseEntry(grpc::ServerContext* context, const ledger_v1::ReverseEntryRequest* request,
                            ledger_v1::RecordOutcomeResponse* response) override;
  grpc::Status GetEntry(grpc::ServerContext* context, const ledger_v1::GetEntryRequest* request,
                        ledger_v1::Entry* response) override;
  grpc::Status ListEntries(grpc::ServerContext* context, const ledger_v1::ListEntriesRequest* request,
                           ledger_v1::ListEntriesResponse* response) override;
  grpc::Status GetBalances(grpc::ServerContext* context, const ledger_v1::GetBalancesRequest* request,
                           ledger_v1::GetBalancesResponse* response) override;
  grpc::Status CheckConsistency(grpc::ServerContext* context,
                                const ledger_v1::CheckConsistencyRequest* request,
                                ledger_v1::CheckConsistencyResponse* response) override;

 private:
  absl::Status Upload(grpc::ServerContext& context, const GuardedCall& call,
                      grpc::ServerReaderWriter<ledger_v1::RecordOutcomesResponse,
                                               ledger_v1::RecordOutcomesRequest>& stream);

  const CoreHandle& core_;
  const Security& security_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_LEDGER_SERVICE_H_
