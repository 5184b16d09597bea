#include "services/rules_service.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "services/core_handle.h"

namespace creditbank::services {

using domain::rules::RulesEngine;

namespace {

#define RULES_METHOD(name) "/creditbank.rules.v1.RulesService/" #name

// Who acts, for the records conversion requests keep.
std::string Actor(const domain::Caller& caller) {
  return absl::StrCat(domain::RoleName(caller.role), " ", caller.name);
}

// Rules an operator (or a development caller) publishes belong to the bank.
std::string Owner(const domain::Caller& caller) {
  return caller.role == domain::Role::kInstitution ? caller.institution_code
                                                   : std::string(domain::rules::kBankOwner);
}

}  // namespace

template <typename Body>
grpc::Status RulesService::Guarded(grpc::ServerContext* context, const char* method,
                                   AuditFacts facts, Body&& body) {
  GuardedCall call(security_, *context, method);
  call.audit() = std::move(facts);
  return call.Run([&]() -> absl::Status {
    RulesEngine* engine = engine_.Get();
    if (engine == nullptr) return absl::UnavailableError(kNotReadyMessage);
    return body(call, *engine);
  });
}

grpc::Status RulesService::PutFramework(grpc::ServerContext* context,
                                        const rules_v1::PutFrameworkRequest* request,
                                        rules_v1::Framework* response) {
  return Guarded(context, RULES_METHOD(PutFramework), {request->framework().id(), "", 1},
                 [&](GuardedCall&, RulesEngine& engine) {
                   return Into(engine.PutFramework(*request), response);
                 });
}

grpc::Status RulesService::ListFrameworks(grpc::ServerContext* context,
                                          const rules_v1::ListFrameworksRequest*,
                                          rules_v1::ListFrameworksResponse* response) {
  return Guarded(context, RULES_METHOD(ListFrameworks), {"", "", 0},
                 [&](GuardedCall&, RulesEngine& engine) {
                   return Into(engine.ListFrameworks(), response);
                 });
}

grpc::Status RulesService::PutProgramme(grpc::ServerContext* context,
                                        const rules_v1::PutProgrammeRequest* request,
                                        rules_v1::Programme* response) {
  return Guarded(context, RULES_METHOD(PutProgramme), {request->programme().id(), "", 1},
                 [&](GuardedCall& call, RulesEngine& engine) -> absl::Status {
                   RETURN_IF_ERROR(call.CheckRow({request->programme().institution_code(), ""}));
                   return Into(engine.PutProgramme(*request), response);
                 });
}

grpc::Status RulesService::GetProgramme(grpc::ServerContext* context,
                                        const rules_v1::GetProgrammeRequest* request,
                                        rules_v1::Programme* response) {
  return Guarded(context, RULES_METHOD(GetProgramme), {request->programme_id(), "", 0},
                 [&](GuardedCall&, RulesEngine& engine) {
                   return Into(engine.GetProgramme(*request), response);
                 });
}

grpc::Status RulesService::ListProgrammes(grpc::ServerContext* context,
                                          const rules_v1::ListProgrammesRequest* request,
                                          rules_v1::ListProgrammesResponse* response) {
  return Guarded(context, RULES_METHOD(ListProgrammes), {request->institution_code(), "", 0},
                 [&](GuardedCall&, RulesEngine& engine) {
                   return Into(engine.ListProgrammes(*request), response);
                 });
}

grpc::Status RulesService::ApplyRules(grpc::ServerContext* context,
                                      const rules_v1::ApplyRulesRequest* request,
                                      rules_v1::ApplyRulesResponse* response) {
  AuditFacts facts{request->programme_id(), "", static_cast<uint32_t>(request->rules_size())};
  return Guarded(context, RULES_METHOD(ApplyRules), std::move(facts),
                 [&](GuardedCall& call, RulesEngine& engine) -> absl::Status {
                   // The row rule needs the programme; an unknown one is
                   // reported by ApplyRules itself, with every bad field.
                   absl::StatusOr<rules_v1::Programme> programme =
                       engine.LoadProgramme(request->programme_id(), "programme_id");
                   if (programme.ok()) {
                     RETURN_IF_ERROR(call.CheckRow({programme->institution_code(), ""}));
                   } else if (call.caller().role == domain::Role::kInstitution) {
                     return programme.status();
                   }
                   return Into(engine.ApplyRules(*request, Owner(call.caller())), response);
                 });
}

grpc::Status RulesService::ListRules(grpc::ServerContext* context,
                                     const rules_v1::ListRulesRequest* request,
                                     rules_v1::ListRulesResponse* response) {
  return Guarded(context, RULES_METHOD(ListRules), {request->programme_id(), "", 0},
                 [&](GuardedCall&, RulesEngine& engine) {
                   return Into(engine.ListRules(*request), response);
                 });
}

grpc::Status RulesService::GetRule(grpc::ServerContext* context,
                                   const rules_v1::GetRuleRequest* request,
                                   rules_v1::GetRuleResponse* response) {
  return Guarded(context, RULES_METHOD(GetRule), {request->programme_id(), "", 0},
                 [&](GuardedCall&, RulesEngine& engine) {
                   return Into(engine.GetRule(*request), response);
                 });
}

namespace {

// The row of a call about one account and one programme: the programme's
// institution, the learner's account.
absl::Status CheckAccountProgrammeRow(const GuardedCall& call, const RulesEngine& engine,
                                      const std::string& account_number,
                                      const std::string& programme_id) {
  ASSIGN_OR_RETURN(rules_v1::Programme programme,
                   engine.LoadProgramme(programme_id, "programme_id"));
  return call.CheckRow({programme.institution_code(), account_number});
}

}  // namespace

grpc::Status RulesService::Evaluate(grpc::ServerContext* context,
                                    const rules_v1::EvaluateRequest* request,
                                    rules_v1::Proposal* response) {
  return Guarded(context, RULES_METHOD(Evaluate), {request->account_number(), "", 0},
                 [&](GuardedCall& call, RulesEngine& engine) -> absl::Status {
                   RETURN_IF_ERROR(CheckAccountProgrammeRow(call, engine,
                                                            request->account_number(),
                                                            request->programme_id()));
                   return Into(engine.Evaluate(*request), response);
                 });
}

grpc::Status RulesService::GetProgress(grpc::ServerContext* context,
                                       const rules_v1::GetProgressRequest* request,
                                       rules_v1::Progress* response) {
  return Guarded(context, RULES_METHOD(GetProgress), {request->account_number(), "", 0},
                 [&](GuardedCall& call, RulesEngine& engine) -> absl::Status {
                   RETURN_IF_ERROR(CheckAccountProgrammeRow(call, engine,
                                                            request->account_number(),
                                                            request->programme_id()));
                   return Into(engine.GetProgress(*request), response);
                 });
}

grpc::Status RulesService::CreateConversionRequest(
    grpc::ServerContext* context, const rules_v1::CreateConversionRequestRequest* request,
    rules_v1::ConversionRequest* response) {
  AuditFacts facts{request->account_number(), request->request_id(), 1};
  return Guarded(context, RULES_METHOD(CreateConversionRequest), std::move(facts),
                 [&](GuardedCall& call, RulesEngine& engine) -> absl::Status {
                   RETURN_IF_ERROR(CheckAccountProgrammeRow(call, engine,
                                                            request->account_number(),
                                                            request->programme_id()));
                   return Into(engine.CreateConversionRequest(*request, Actor(call.caller())),
                               response);
                 });
}

namespace {

// The row of a call about one conversion request.
absl::Status CheckRequestRow(const GuardedCall& call, const RulesEngine& engine,
                             const std::string& name) {
  ASSIGN_OR_RETURN(rules_v1::ConversionRequest request,
                   engine.LoadRequest(name, "conversion_request_id"));
  return CheckAccountProgrammeRow(call, engine, request.account_number(),
                                  request.programme_id());
}

}  // namespace

grpc::Status RulesService::ApproveConversionRequest(
    grpc::ServerContext* context, const rules_v1::DecideConversionRequest* request,
    rules_v1::ConversionRequest* response) {
  return Guarded(context, RULES_METHOD(ApproveConversionRequest),
                 {request->conversion_request_id(), "", 1},
                 [&](GuardedCall& call, RulesEngine& engine) -> absl::Status {
                   RETURN_IF_ERROR(CheckRequestRow(call, engine, request->conversion_request_id()));
                   return Into(engine.ApproveConversionRequest(*request, Actor(call.caller())),
                               response);
                 });
}

grpc::Status RulesService::RejectConversionRequest(
    grpc::ServerContext* context, const rules_v1::DecideConversionRequest* request,
    rules_v1::ConversionRequest* response) {
  return Guarded(context, RULES_METHOD(RejectConversionRequest),
                 {request->conversion_request_id(), "", 1},
                 [&](GuardedCall& call, RulesEngine& engine) -> absl::Status {
                   RETURN_IF_ERROR(CheckRequestRow(call, engine, request->conversion_request_id()));
                   return Into(engine.RejectConversionRequest(*request, Actor(call.caller())),
                               response);
                 });
}

grpc::Status RulesService::GetConversionRequest(
    grpc::ServerContext* context, const rules_v1::GetConversionRequestRequest* request,
    rules_v1::ConversionRequest* response) {
  return Guarded(context, RULES_METHOD(GetConversionRequest), {request->conversion_request_id(), "", 0},
                 [&](GuardedCall& call, RulesEngine& engine) -> absl::Status {
                   RETURN_IF_ERROR(CheckRequestRow(call, engine, request->conversion_request_id()));
                   return Into(engine.GetConversionRequest(*request), response);
                 });
}

grpc::Status RulesService::ListConversionRequests(
    grpc::ServerContext* context, const rules_v1::ListConversionRequestsRequest* request,
    rules_v1::ListConversionRequestsResponse* response) {
  return Guarded(
      context, RULES_METHOD(ListConversionRequests), {request->account_number(), "", 0},
      [&](GuardedCall& call, RulesEngine& engine) -> absl::Status {
        // An institution lists by one of its programmes, a learner by
        // their account: the filter is what the row rule checks.
        std::string institution;
        if (!request->programme_id().empty()) {
          ASSIGN_OR_RETURN(rules_v1::Programme programme,
                           engine.LoadProgramme(request->programme_id(), "programme_id"));
          institution = programme.institution_code();
        }
        RETURN_IF_ERROR(call.CheckRow({institution, request->account_number()}));
        return Into(engine.ListConversionRequests(*request), response);
      });
}

grpc::Status RulesService::ReviewReversals(grpc::ServerContext* context,
                                           const rules_v1::ReviewReversalsRequest*,
                                           rules_v1::ReviewReversalsResponse* response) {
  return Guarded(context, RULES_METHOD(ReviewReversals), {"conversions", "", 0},
                 [&](GuardedCall&, RulesEngine& engine) {
                   return Into(engine.ReviewReversals(), response);
                 });
}

}  // namespace creditbank::services
