// Institution commands: register (idempotent), accredit, suspend, reinstate.
#ifndef CREDITBANK_DOMAIN_INSTITUTION_COMMANDS_H_
#define CREDITBANK_DOMAIN_INSTITUTION_COMMANDS_H_

#include <string>

#include "absl/status/status.h"
#include "creditbank/institutions/v1/institutions.pb.h"
#include "domain/sequencer.h"

namespace creditbank::domain {

enum class InstitutionChange {
  kRegister,   // new institution from the request's code, name, sector
  kAccredit,   // set scope, status accredited
  kSuspend,    // status suspended
  kReinstate,  // back to accredited (or registered without a scope)
};

class InstitutionCommand final : public Command {
 public:
  // `proposed` carries what the change needs: code always; name and sector
  // to register; scope to accredit; status_reason otherwise.
  InstitutionCommand(InstitutionChange change, institutions::v1::Institution proposed);
  void Apply(UnitOfWork& work) override;

  const absl::Status& status() const { return status_; }
  absl::Status result() const override { return status_; }
  const institutions::v1::Institution& institution() const { return institution_; }

 private:
  absl::Status Register(UnitOfWork& work);
  absl::Status Change(UnitOfWork& work);

  const InstitutionChange change_;
  const institutions::v1::Institution proposed_;
  absl::Status status_;
  institutions::v1::Institution institution_;
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_INSTITUTION_COMMANDS_H_
