// RulesService: creditbank.rules.v1 over gRPC. Each handler runs in a
// GuardedCall; the row rules are: an institution publishes, evaluates and
// decides only for its own programmes; a learner evaluates, requests and
// reads only for their own account.
#ifndef CREDITBANK_SERVICES_RULES_SERVICE_H_
#define CREDITBANK_SERVICES_RULES_SERVICE_H_

#include <atomic>

#include "creditbank/rules/v1/rules.grpc.pb.h"
#include "domain/rules/rules_engine.h"
#include "services/call_guard.h"

namespace creditbank::services {

namespace rules_v1 = ::creditbank::rules::v1;

// Where the service finds the engine: null while storage opens.
class RulesHandle {
 public:
  void Set(domain::rules::RulesEngine* engine) { engine_.store(engine, std::memory_order_release); }
  domain::rules::RulesEngine* Get() const { return engine_.load(std::memory_order_acquire); }

 private:
  std::atomic<domain::rules::RulesEngine*> engine_{nullptr};
};

class RulesService final : public rules_v1::RulesService::Service {
 public:
  RulesService(const RulesHandle& engine, const Security& security)
      : engine_(engine), security_(security) {}

  grpc::Status PutFramework(grpc::ServerContext* context,
                            const rules_v1::PutFrameworkRequest* request,
                            rules_v1::Framework* response) override;
  grpc::Status ListFrameworks(grpc::ServerContext* context,
                              const rules_v1::ListFrameworksRequest* request,
                              rules_v1::ListFrameworksResponse* response) override;
  grpc::Status PutProgramme(grpc::ServerContext* context,
                            const rules_v1::PutProgrammeRequest* request,
                            rules_v1::Programme* response) override;
  grpc::Status GetProgramme(grpc::ServerContext* context,
                            const rules_v1::GetProgrammeRequest* request,
                            rules_v1::Programme* response) override;
  grpc::Status ListProgrammes(grpc::ServerContext* context,
                              const rules_v1::ListProgrammesRequest* request,
                              rules_v1::ListProgrammesResponse* response) override;
  grpc::Status ApplyRules(grpc::ServerContext* context, const rules_v1::ApplyRulesRequest* request,
                          rules_v1::ApplyRulesResponse* response) override;
  grpc::Status ListRules(grpc::ServerContext* context, const rules_v1::ListRulesRequest* request,
                         rules_v1::ListRulesResponse* response) override;
  grpc::Status GetRule(grpc::ServerContext* context, const rules_v1::GetRuleRequest* request,
                       rules_v1::GetRuleResponse* response) override;
  grpc::Status Evaluate(grpc::ServerContext* context, const rules_v1::EvaluateRequest* request,
                        rules_v1::Proposal* response) override;
  grpc::Status GetProgress(grpc::ServerContext* context,
                           const rules_v1::GetProgressRequest* request,
                           rules_v1::Progress* response) override;
  grpc::Status CreateConversionRequest(grpc::ServerContext* context,
                                       const rules_v1::CreateConversionRequestRequest* request,
                                       rules_v1::ConversionRequest* response) override;
  grpc::Status ApproveConversionRequest(grpc::ServerContext* context,
                                        const rules_v1::DecideConversionRequest* request,
                                        rules_v1::ConversionRequest* response) override;
  grpc::Status RejectConversionRequest(grpc::ServerContext* context,
                                       const rules_v1::DecideConversionRequest* request,
                                       rules_v1::ConversionRequest* response) override;
  grpc::Status GetConversionRequest(grpc::ServerContext* context,
                                    const rules_v1::GetConversionRequestRequest* request,
                                    rules_v1::ConversionRequest* response) override;
  grpc::Status ListConversionRequests(grpc::ServerContext* context,
                                      const rules_v1::ListConversionRequestsRequest* request,
                                      rules_v1::ListConversionRequestsResponse* response) override;
  grpc::Status ReviewReversals(grpc::ServerContext* context,
                               const rules_v1::ReviewReversalsRequest* request,
                               rules_v1::ReviewReversalsResponse* response) override;

 private:
  // Runs `body` with the engine inside a guarded call of `method`.
  template <typename Body>
  grpc::Status Guarded(grpc::ServerContext* context, const char* method, AuditFacts facts,
                       Body&& body);

  const RulesHandle& engine_;
  const Security& security_;
};

}  // namespace creditbank::services

#endif  // CREDITBANK_SERVICES_RULES_SERVICE_H_
