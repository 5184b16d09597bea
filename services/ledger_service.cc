#include "services/ledger_service.h"

namespace creditbank::services {

using domain::CoreClient;

grpc::Status LedgerService::RecordOutcome(grpc::ServerContext*,
                                          const ledger_v1::RecordOutcomeRequest* request,
                                          ledger_v1::RecordOutcomeResponse* response) {
  return Answer(core_, &CoreClient::RecordOutcome, *request, response);
}

grpc::Status LedgerService::RecordOutcomes(grpc::ServerContext*,
                                           const ledger_v1::RecordOutcomesRequest* request,
                                           ledger_v1::RecordOutcomesResponse* response) {
  return Answer(core_, &CoreClient::RecordOutcomes, *request, response);
}

grpc::Status LedgerService::StreamOutcomes(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<ledger_v1::RecordOutcomesResponse,
                             ledger_v1::RecordOutcomesRequest>* stream) {
  ledger_v1::RecordOutcomesRequest chunk;
  while (stream->Read(&chunk)) {
    ledger_v1::RecordOutcomesResponse response;
    grpc::Status status = Answer(core_, &CoreClient::RecordOutcomes, chunk, &response);
    if (!status.ok()) return status;
    if (!stream->Write(response)) {
      // The client went away: what was committed stays committed, and its
      // request ids make a resumed upload skip it.
      return grpc::Status(grpc::StatusCode::CANCELLED, "client stopped reading");
    }
  }
  if (context->IsCancelled()) {
    return grpc::Status(grpc::StatusCode::CANCELLED, "client cancelled the upload");
  }
  return grpc::Status::OK;
}

grpc::Status LedgerService::ReverseEntry(grpc::ServerContext*,
                                         const ledger_v1::ReverseEntryRequest* request,
                                         ledger_v1::RecordOutcomeResponse* response) {
  return Answer(core_, &CoreClient::ReverseEntry, *request, response);
}

grpc::Status LedgerService::GetEntry(grpc::ServerContext*,
                                     const ledger_v1::GetEntryRequest* request,
                                     ledger_v1::Entry* response) {
  return Answer(core_, &CoreClient::GetEntry, *request, response);
}

grpc::Status LedgerService::ListEntries(grpc::ServerContext*,
                                        const ledger_v1::ListEntriesRequest* request,
                                        ledger_v1::ListEntriesResponse* response) {
  return Answer(core_, &CoreClient::ListEntries, *request, response);
}

grpc::Status LedgerService::GetBalances(grpc::ServerContext*,
                                        const ledger_v1::GetBalancesRequest* request,
                                        ledger_v1::GetBalancesResponse* response) {
  return Answer(core_, &CoreClient::GetBalances, *request, response);
}

grpc::Status LedgerService::CheckConsistency(
    grpc::ServerContext*, const ledger_v1::CheckConsistencyRequest* request,
    ledger_v1::CheckConsistencyResponse* response) {
  return Answer(core_, &CoreClient::CheckConsistency, *request, response);
}

}  // namespace creditbank::services
