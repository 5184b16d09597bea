#include "domain/institution_commands.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/errors.h"
#include "domain/state_checks.h"
#include "domain/validation/dates.h"

namespace creditbank::domain {
namespace {

using institutions::v1::Institution;
using institutions::v1::InstitutionStatus;

// Sorted and without repeats, so equal scopes compare equal.
institutions::v1::AccreditationScope NormalizeScope(
    const institutions::v1::AccreditationScope& scope) {
  institutions::v1::AccreditationScope normalized = scope;
  auto sort_unique = [](auto* values) {
    std::sort(values->begin(), values->end());
    values->erase(std::unique(values->begin(), values->end()), values->end());
  };
  sort_unique(normalized.mutable_kinds());
  sort_unique(normalized.mutable_sectors());
  return normalized;
}

}  // namespace

InstitutionCommand::InstitutionCommand(InstitutionChange change, Institution proposed)
    : change_(change), proposed_(std::move(proposed)) {}

void InstitutionCommand::Apply(UnitOfWork& work) {
  status_ = change_ == InstitutionChange::kRegister ? Register(work) : Change(work);
}

absl::Status InstitutionCommand::Register(UnitOfWork& work) {
  ASSIGN_OR_RETURN(const Institution* existing, work.FindInstitution(proposed_.code()));
  if (existing != nullptr) {
    if (existing->name() != proposed_.name() || existing->sector() != proposed_.sector()) {
      return FieldError(absl::StatusCode::kAlreadyExists, reason::kInstitutionExists, "code",
                        absl::StrCat("institution ", proposed_.code(),
                                     " is already registered with another name or sector"));
    }
    institution_ = *existing;
    return absl::OkStatus();
  }
  institution_ = proposed_;
  institution_.set_status(institutions::v1::INSTITUTION_STATUS_REGISTERED);
  *institution_.mutable_registered_at() = ToTimestamp(work.now());
  *institution_.mutable_status_changed_at() = ToTimestamp(work.now());
  work.PutInstitution(institution_);
  return absl::OkStatus();
}

absl::Status InstitutionCommand::Change(UnitOfWork& work) {
  ASSIGN_OR_RETURN(const Institution* existing, RequireInstitution(work, proposed_.code(), "code"));
  institution_ = *existing;
  const InstitutionStatus from = existing->status();
  InstitutionStatus to = from;
  switch (change_) {
    case InstitutionChange::kAccredit:
      if (from == institutions::v1::INSTITUTION_STATUS_SUSPENDED) {
        return FieldError(absl::StatusCode::kFailedPrecondition, reason::kInvalidTransition,
                          "code",
                          absl::StrCat("institution ", existing->code(),
                                       " is suspended; reinstate it before accrediting"));
      }
      to = institutions::v1::INSTITUTION_STATUS_ACCREDITED;
      *institution_.mutable_scope() = NormalizeScope(proposed_.scope());
      break;
    case InstitutionChange::kSuspend:
      to = institutions::v1::INSTITUTION_STATUS_SUSPENDED;
      if (from == to) return absl::OkStatus();  // already suspended
      break;
    case InstitutionChange::kReinstate:
      if (from != institutions::v1::INSTITUTION_STATUS_SUSPENDED) return absl::OkStatus();
      to = existing->has_scope() ? institutions::v1::INSTITUTION_STATUS_ACCREDITED
                                 : institutions::v1::INSTITUTION_STATUS_REGISTERED;
      break;
    case InstitutionChange::kRegister:
      return absl::InternalError("register is not a change");
  }
  institution_.set_status(to);
  institution_.set_status_reason(proposed_.status_reason());
  *institution_.mutable_status_changed_at() = ToTimestamp(work.now());
  work.PutInstitution(institution_);
  return absl::OkStatus();
}

}  // namespace creditbank::domain
