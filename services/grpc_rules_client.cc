#include "services/grpc_rules_client.h"

#include <utility>

#include "services/unary_call.h"

namespace creditbank::services {

namespace rules_v1 = ::creditbank::rules::v1;
using Stub = rules_v1::RulesService::Stub;

GrpcRulesClient::GrpcRulesClient(std::shared_ptr<grpc::Channel> channel, absl::Duration deadline,
                                 std::string bearer_token)
    : deadline_(deadline),
      bearer_token_(std::move(bearer_token)),
      stub_(rules_v1::RulesService::NewStub(channel)) {}

template <typename Request, typename Response>
absl::StatusOr<Response> GrpcRulesClient::Call(
    grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
    const Request& request) {
  return UnaryCall(deadline_, bearer_token_, *stub_, method, request);
}

absl::StatusOr<rules_v1::Framework> GrpcRulesClient::PutFramework(
    const rules_v1::PutFrameworkRequest& request) {
  return Call(&Stub::PutFramework, request);
}
absl::StatusOr<rules_v1::ListFrameworksResponse> GrpcRulesClient::ListFrameworks(
    const rules_v1::ListFrameworksRequest& request) {
  return Call(&Stub::ListFrameworks, request);
}

absl::StatusOr<rules_v1::Programme> GrpcRulesClient::PutProgramme(
    const rules_v1::PutProgrammeRequest& request) {
  return Call(&Stub::PutProgramme, request);
}
absl::StatusOr<rules_v1::Programme> GrpcRulesClient::GetProgramme(
    const rules_v1::GetProgrammeRequest& request) {
  return Call(&Stub::GetProgramme, request);
}
absl::StatusOr<rules_v1::ListProgrammesResponse> GrpcRulesClient::ListProgrammes(
    const rules_v1::ListProgrammesRequest& request) {
  return Call(&Stub::ListProgrammes, request);
}

absl::StatusOr<rules_v1::ApplyRulesResponse> GrpcRulesClient::ApplyRules(
    const rules_v1::ApplyRulesRequest& request) {
  return Call(&Stub::ApplyRules, request);
}
absl::StatusOr<rules_v1::ListRulesResponse> GrpcRulesClient::ListRules(
    const rules_v1::ListRulesRequest& request) {
  return Call(&Stub::ListRules, request);
}
absl::StatusOr<rules_v1::GetRuleResponse> GrpcRulesClient::GetRule(
    const rules_v1::GetRuleRequest& request) {
  return Call(&Stub::GetRule, request);
}

absl::StatusOr<rules_v1::Proposal> GrpcRulesClient::Evaluate(
    const rules_v1::EvaluateRequest& request) {
  return Call(&Stub::Evaluate, request);
}
absl::StatusOr<rules_v1::Progress> GrpcRulesClient::GetProgress(
    const rules_v1::GetProgressRequest& request) {
  return Call(&Stub::GetProgress, request);
}

absl::StatusOr<rules_v1::ConversionRequest> GrpcRulesClient::CreateConversionRequest(
    const rules_v1::CreateConversionRequestRequest& request) {
  return Call(&Stub::CreateConversionRequest, request);
}
absl::StatusOr<rules_v1::ConversionRequest> GrpcRulesClient::ApproveConversionRequest(
    const rules_v1::DecideConversionRequest& request) {
  return Call(&Stub::ApproveConversionRequest, request);
}
absl::StatusOr<rules_v1::ConversionRequest> GrpcRulesClient::RejectConversionRequest(
    const rules_v1::DecideConversionRequest& request) {
  return Call(&Stub::RejectConversionRequest, request);
}
absl::StatusOr<rules_v1::ConversionRequest> GrpcRulesClient::GetConversionRequest(
    const rules_v1::GetConversionRequestRequest& request) {
  return Call(&Stub::GetConversionRequest, request);
}
absl::StatusOr<rules_v1::ListConversionRequestsResponse> GrpcRulesClient::ListConversionRequests(
    const rules_v1::ListConversionRequestsRequest& request) {
  return Call(&Stub::ListConversionRequests, request);
}
absl::StatusOr<rules_v1::ReviewReversalsResponse> GrpcRulesClient::ReviewReversals(
    const rules_v1::ReviewReversalsRequest& request) {
  return Call(&Stub::ReviewReversals, request);
}

}  // namespace creditbank::services
