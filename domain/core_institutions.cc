// Core: the institutions service.
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "domain/core.h"
#include "domain/errors.h"
#include "domain/limits.h"
#include "domain/page_token.h"
#include "domain/request_checks.h"

namespace creditbank::domain {

absl::StatusOr<institutions::v1::Institution> Core::RegisterInstitution(
    const institutions::v1::RegisterInstitutionRequest& request) {
  FieldViolations violations;
  CheckInstitutionCodeField(request.code(), "code", violations);
  CheckInstitutionName(request.name(), "name", violations);
  CheckSectorField(request.sector(), false, "sector", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  institutions::v1::Institution proposed;
  proposed.set_code(request.code());
  proposed.set_name(request.name());
  proposed.set_sector(request.sector());
  InstitutionCommand command(InstitutionChange::kRegister, std::move(proposed));
  RETURN_IF_ERROR(Run(command));
  RETURN_IF_ERROR(command.status());
  return command.institution();
}

absl::StatusOr<institutions::v1::Institution> Core::AccreditInstitution(
    const institutions::v1::AccreditInstitutionRequest& request) {
  FieldViolations violations;
  CheckInstitutionCodeField(request.code(), "code", violations);
  CheckAccreditationScope(request.scope(), "scope", violations);
  CheckReasonField(request.reason(), "reason", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  institutions::v1::Institution proposed;
  proposed.set_code(request.code());
  *proposed.mutable_scope() = request.scope();
  proposed.mutable_scope()->DiscardUnknownFields();
  proposed.set_status_reason(request.reason());
  InstitutionCommand command(InstitutionChange::kAccredit, std::move(proposed));
  RETURN_IF_ERROR(Run(command));
  RETURN_IF_ERROR(command.status());
  return command.institution();
}

absl::StatusOr<institutions::v1::Institution> Core::ChangeInstitution(
    const institutions::v1::ChangeInstitutionStatusRequest& request, InstitutionChange change) {
  FieldViolations violations;
  CheckInstitutionCodeField(request.code(), "code", violations);
  CheckReasonField(request.reason(), "reason", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  institutions::v1::Institution proposed;
  proposed.set_code(request.code());
  proposed.set_status_reason(request.reason());
  InstitutionCommand command(change, std::move(proposed));
  RETURN_IF_ERROR(Run(command));
  RETURN_IF_ERROR(command.status());
  return command.institution();
}

absl::StatusOr<institutions::v1::Institution> Core::SuspendInstitution(
    const institutions::v1::ChangeInstitutionStatusRequest& request) {
  return ChangeInstitution(request, InstitutionChange::kSuspend);
}

absl::StatusOr<institutions::v1::Institution> Core::ReinstateInstitution(
    const institutions::v1::ChangeInstitutionStatusRequest& request) {
  return ChangeInstitution(request, InstitutionChange::kReinstate);
}

absl::StatusOr<institutions::v1::Institution> Core::GetInstitution(
    const institutions::v1::GetInstitutionRequest& request) {
  FieldViolations violations;
  CheckInstitutionCodeField(request.code(), "code", violations);
  RETURN_IF_ERROR(violations.ToStatus());
  ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                   store_->Get(storage::Table::kInstitutions, request.code()));
  if (!bytes) {
    return FieldError(absl::StatusCode::kNotFound, reason::kInstitutionNotFound, "code",
                      absl::StrCat("no institution ", request.code()));
  }
  institutions::v1::Institution institution;
  if (!institution.ParseFromString(*bytes)) {
    return absl::DataLossError("stored institution does not parse");
  }
  return institution;
}

absl::StatusOr<institutions::v1::ListInstitutionsResponse> Core::ListInstitutions(
    const institutions::v1::ListInstitutionsRequest& request) {
  FieldViolations violations;
  CheckPageSizeField(request.page_size(), "page_size", violations);
  CheckSectorField(request.sector(), true, "sector", violations);
  if (!institutions::v1::InstitutionStatus_IsValid(request.status())) {
    violations.Add("status", absl::StrCat("unknown status ", request.status()));
  }
  RETURN_IF_ERROR(violations.ToStatus());
  institutions::v1::ListInstitutionsRequest filters = request;
  filters.clear_page_size();
  filters.clear_page_token();
  ASSIGN_OR_RETURN(std::string last_code,
                   DecodePageToken(request.page_token(), filters.SerializeAsString(),
                                   "page_token"));
  const size_t page_size = request.page_size() == 0 ? kDefaultPageSize : request.page_size();

  institutions::v1::ListInstitutionsResponse response;
  // Codes never contain NUL, so last_code + '\0' is the first code after it.
  std::string start = last_code.empty() ? "" : last_code + '\0';
  std::unique_ptr<storage::Cursor> cursor =
      store_->Scan(storage::Table::kInstitutions, start, "");
  size_t scanned = 0;
  std::string last_scanned;
  for (; cursor->Valid(); cursor->Next()) {
    if (static_cast<size_t>(response.institutions_size()) == page_size ||
        scanned == kMaxRowsScannedPerPage) {
      response.set_next_page_token(EncodePageToken(last_scanned, filters.SerializeAsString()));
      break;
    }
    ++scanned;
    last_scanned = std::string(cursor->key());
    institutions::v1::Institution institution;
    if (!institution.ParseFromString(std::string(cursor->value()))) {
      return absl::DataLossError("stored institution does not parse");
    }
    if (request.sector() != common::v1::SECTOR_UNSPECIFIED &&
        institution.sector() != request.sector()) {
      continue;
    }
    if (request.status() != institutions::v1::INSTITUTION_STATUS_UNSPECIFIED &&
        institution.status() != request.status()) {
      continue;
    }
    *response.add_institutions() = std::move(institution);
  }
  RETURN_IF_ERROR(cursor->status());
  return response;
}

}  // namespace creditbank::domain
