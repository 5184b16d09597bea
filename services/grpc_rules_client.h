// GrpcRulesClient: the equivalence-rules and conversion service
// (creditbank.rules.v1.RulesService) over gRPC, for cbctl and other
// processes. Like GrpcCoreClient, errors come back as absl::Status with the
// google.rpc details the server produced (a bad rule file's field
// violations name the exact path of each bad field).
//
//   GrpcRulesClient rules(channel, absl::Seconds(30));
//   ASSIGN_OR_RETURN(rules::v1::Proposal proposal, rules.Evaluate(request));
#ifndef CREDITBANK_SERVICES_GRPC_RULES_CLIENT_H_
#define CREDITBANK_SERVICES_GRPC_RULES_CLIENT_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "creditbank/rules/v1/rules.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "services/grpc_core_client.h"

namespace creditbank::services {

class GrpcRulesClient final {
 public:
  // `deadline`: each call's; `bearer_token`: a learner token sent with
  // every call ("authorization: Bearer ..."), empty for certificate
  // callers. The channel may be shared with a GrpcCoreClient.
  explicit GrpcRulesClient(std::shared_ptr<grpc::Channel> channel,
                           absl::Duration deadline = kDefaultCallDeadline,
                           std::string bearer_token = "");

  absl::StatusOr<rules::v1::Framework> PutFramework(
      const rules::v1::PutFrameworkRequest& request);
  absl::StatusOr<rules::v1::ListFrameworksResponse> ListFrameworks(
      const rules::v1::ListFrameworksRequest& request);

  absl::StatusOr<rules::v1::Programme> PutProgramme(
      const rules::v1::PutProgrammeRequest& request);
  absl::StatusOr<rules::v1::Programme> GetProgramme(
      const rules::v1::GetProgrammeRequest& request);
  absl::StatusOr<rules::v1::ListProgrammesResponse> ListProgrammes(
      const rules::v1::ListProgrammesRequest& request);

  absl::StatusOr<rules::v1::ApplyRulesResponse> ApplyRules(
      const rules::v1::ApplyRulesRequest& request);
  absl::StatusOr<rules::v1::ListRulesResponse> ListRules(
      const rules::v1::ListRulesRequest& request);
  absl::StatusOr<rules::v1::GetRuleResponse> GetRule(const rules::v1::GetRuleRequest& request);

  absl::StatusOr<rules::v1::Proposal> Evaluate(const rules::v1::EvaluateRequest& request);
  absl::StatusOr<rules::v1::Progress> GetProgress(const rules::v1::GetProgressRequest& request);

  absl::StatusOr<rules::v1::ConversionRequest> CreateConversionRequest(
      const rules::v1::CreateConversionRequestRequest& request);
  absl::StatusOr<rules::v1::ConversionRequest> ApproveConversionRequest(
      const rules::v1::DecideConversionRequest& request);
  absl::StatusOr<rules::v1::ConversionRequest> RejectConversionRequest(
      const rules::v1::DecideConversionRequest& request);
  absl::StatusOr<rules::v1::ConversionRequest> GetConversionRequest(
      const rules::v1::GetConversionRequestRequest& request);
  absl::StatusOr<rules::v1::ListConversionRequestsResponse> ListConversionRequests(
      const rules::v1::ListConversionRequestsRequest& request);
  absl::StatusOr<rules::v1::ReviewReversalsResponse> ReviewReversals(
      const rules::v1::ReviewReversalsRequest& request);

 private:
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (rules::v1::RulesService::Stub::*method)(grpc::ClientContext*,
                                                            const Request&, Response*),
      const Request& request);

  const absl::Duration deadline_;
  const std::string bearer_token_;
  std::unique_ptr<rules::v1::RulesService::Stub> stub_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_GRPC_RULES_CLIENT_H_
