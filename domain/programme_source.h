// ProgrammeSource: what the transcripts service needs from the rules
// service to issue a transcript over a programme's progress — the
// programme, and an account's progress toward it with the entries that
// count. Two implementations, as for CoreClient (core_client.h):
//   - rules::RulesEngine, in process (creditbankd --services=all);
//   - services::GrpcRulesClient, over gRPC (--services=transcripts --rules=HOST:PORT).
// ProgrammeSourceFor adapts either: both have these two methods.
#ifndef CREDITBANK_DOMAIN_PROGRAMME_SOURCE_H_
#define CREDITBANK_DOMAIN_PROGRAMME_SOURCE_H_

#include "absl/status/statusor.h"
#include "creditbank/rules/v1/rules.pb.h"

namespace creditbank::domain {

// The rules service's API (domain::rules is the rules engine's namespace).
namespace programmes_api = ::creditbank::rules::v1;

class ProgrammeSource {
 public:
  virtual ~ProgrammeSource() = default;
  virtual absl::StatusOr<programmes_api::Programme> GetProgramme(
      const programmes_api::GetProgrammeRequest& request) = 0;
  virtual absl::StatusOr<programmes_api::Progress> GetProgress(
      const programmes_api::GetProgressRequest& request) = 0;
};

template <typename Rules>
class ProgrammeSourceFor final : public ProgrammeSource {
 public:
  explicit ProgrammeSourceFor(Rules& rules) : rules_(rules) {}
  absl::StatusOr<programmes_api::Programme> GetProgramme(
      const programmes_api::GetProgrammeRequest& request) override {
    return rules_.GetProgramme(request);
  }
  absl::StatusOr<programmes_api::Progress> GetProgress(
      const programmes_api::GetProgressRequest& request) override {
    return rules_.GetProgress(request);
  }

 private:
  Rules& rules_;
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_PROGRAMME_SOURCE_H_
