#include "domain/errors.h"

#include <optional>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "domain/limits.h"
#include "creditbank/common/v1/error_details.pb.h"
#include "google/rpc/error_details.pb.h"

namespace creditbank::domain {
namespace {

void SetDetails(absl::Status& status, const google::rpc::BadRequest& bad_request,
                absl::string_view reason) {
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(bad_request.SerializeAsString()));
  common::v1::ErrorReason info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  status.SetPayload(kErrorReasonTypeUrl, absl::Cord(info.SerializeAsString()));
}

std::optional<google::rpc::BadRequest> BadRequestOf(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload) return std::nullopt;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return std::nullopt;
  return bad_request;
}

}  // namespace

absl::Status FieldError(absl::StatusCode code, absl::string_view reason,
                        absl::string_view field, absl::string_view description) {
  absl::Status status(code, absl::StrCat(field, ": ", description));
  google::rpc::BadRequest bad_request;
  auto* violation = bad_request.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(description));
  SetDetails(status, bad_request, reason);
  return status;
}

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  return FieldError(absl::StatusCode::kInvalidArgument, reason::kInvalidField, field,
                    description);
}

absl::Status QuotaExceeded(absl::string_view subject, absl::string_view description) {
  absl::Status status(absl::StatusCode::kResourceExhausted, description);
  google::rpc::QuotaFailure failure;
  auto* violation = failure.add_violations();
  violation->set_subject(std::string(subject));
  violation->set_description(std::string(description));
  status.SetPayload(kQuotaFailureTypeUrl, absl::Cord(failure.SerializeAsString()));
  common::v1::ErrorReason info;
  info.set_reason(std::string(reason::kQuotaExceeded));
  info.set_domain(std::string(kErrorDomain));
  status.SetPayload(kErrorReasonTypeUrl, absl::Cord(info.SerializeAsString()));
  return status;
}

void FieldViolations::Add(absl::string_view field, absl::string_view description) {
  if (violations_.size() >= kMaxFieldViolations) {
    ++dropped_;
    return;
  }
  violations_.emplace_back(std::string(field), std::string(description));
}

void FieldViolations::Merge(const FieldViolations& other) {
  for (const auto& [field, description] : other.violations_) Add(field, description);
  dropped_ += other.dropped_;
}

absl::Status FieldViolations::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  std::string message = absl::StrCat(violations_[0].first, ": ", violations_[0].second);
  size_t others = violations_.size() - 1 + dropped_;
  if (others > 0) absl::StrAppend(&message, " (and ", others, " more invalid fields)");
  absl::Status status(absl::StatusCode::kInvalidArgument, message);
  google::rpc::BadRequest bad_request;
  for (const auto& [field, description] : violations_) {
    auto* violation = bad_request.add_field_violations();
    violation->set_field(field);
    violation->set_description(description);
  }
  SetDetails(status, bad_request, reason::kInvalidField);
  return status;
}

absl::Status WithFieldPrefix(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  std::optional<google::rpc::BadRequest> bad_request = BadRequestOf(status);
  // Only a message that starts with a field path gets the prefix; "storage
  // get: ..." stays as it is.
  if (!bad_request || bad_request->field_violations().empty()) return status;
  absl::Status prefixed = WithMessage(status, absl::StrCat(prefix, status.message()));
  if (bad_request) {
    for (auto& violation : *bad_request->mutable_field_violations()) {
      violation.set_field(absl::StrCat(prefix, violation.field()));
    }
    prefixed.SetPayload(kBadRequestTypeUrl, absl::Cord(bad_request->SerializeAsString()));
  }
  return prefixed;
}

absl::Status WithMessage(const absl::Status& status, absl::string_view message) {
  absl::Status changed(status.code(), message);
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
    changed.SetPayload(type_url, payload);
  });
  return changed;
}

google::rpc::Status ToRpcStatus(const absl::Status& status) {
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int32_t>(status.code()));
  rpc_status.set_message(std::string(status.message()));
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
    google::protobuf::Any* detail = rpc_status.add_details();
    detail->set_type_url(std::string(type_url));
    detail->set_value(std::string(payload));
  });
  return rpc_status;
}

absl::Status FromRpcStatus(const google::rpc::Status& rpc_status) {
  const int code = rpc_status.code();
  // Codes outside the canonical range are unknown, never OK by accident.
  absl::StatusCode status_code = (code >= 0 && code <= 16)
                                     ? static_cast<absl::StatusCode>(code)
                                     : absl::StatusCode::kUnknown;
  if (status_code == absl::StatusCode::kOk) return absl::OkStatus();
  absl::Status status(status_code, rpc_status.message());
  for (const google::protobuf::Any& detail : rpc_status.details()) {
    status.SetPayload(detail.type_url(), absl::Cord(detail.value()));
  }
  return status;
}

std::string ErrorReason(const absl::Status& status) {
  absl::optional<absl::Cord> payload = status.GetPayload(kErrorReasonTypeUrl);
  if (!payload) return "";
  common::v1::ErrorReason info;
  if (!info.ParseFromString(std::string(*payload))) return "";
  return info.reason();
}

std::vector<std::string> ErrorFields(const absl::Status& status) {
  std::vector<std::string> fields;
  if (std::optional<google::rpc::BadRequest> bad_request = BadRequestOf(status)) {
    for (const auto& violation : bad_request->field_violations()) {
      fields.push_back(violation.field());
    }
  }
  return fields;
}

}  // namespace creditbank::domain
