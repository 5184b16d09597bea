#include "domain/auth/institution_limits.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "domain/errors.h"

namespace creditbank::domain {

void InstitutionLimits::Override(const std::string& institution_code, RequestLimits limits) {
  absl::MutexLock lock(&mutex_);
  overrides_[institution_code] = limits;
}

const RequestLimits& InstitutionLimits::LimitsFor(absl::string_view institution_code) const {
  auto found = overrides_.find(institution_code);
  return found == overrides_.end() ? defaults_ : found->second;
}

void InstitutionLimits::DropIdleBuckets(absl::Time now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const RequestLimits& limits = LimitsFor(it->first);
    const double refill =
        absl::ToDoubleSeconds(now - it->second.refilled_at) * limits.requests_per_second;
    // A full bucket is the same as no bucket.
    if (it->second.tokens + refill >= limits.burst) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

absl::Status InstitutionLimits::Admit(absl::string_view institution_code, size_t items) {
  absl::MutexLock lock(&mutex_);
  const RequestLimits& limits = LimitsFor(institution_code);
  if (items > limits.max_batch_items) {
    return QuotaExceeded(absl::StrCat("institution ", institution_code, " max batch items"),
                         absl::StrCat("a request may carry at most ", limits.max_batch_items,
                                      " items for institution ", institution_code, "; this one has ",
                                      items, ": split it"));
  }
  if (limits.requests_per_second <= 0) return absl::OkStatus();
  const absl::Time now = clock_.Now();
  auto found = buckets_.find(std::string(institution_code));
  if (found == buckets_.end()) {
    if (buckets_.size() >= kMaxTrackedInstitutions) DropIdleBuckets(now);
    if (buckets_.size() >= kMaxTrackedInstitutions) {
      return QuotaExceeded("tracked institutions",
                           "too many institutions are sending at once; retry with backoff");
    }
    found = buckets_.emplace(std::string(institution_code), Bucket{limits.burst, now}).first;
  }
  Bucket& bucket = found->second;
  const double elapsed_seconds = std::max(0.0, absl::ToDoubleSeconds(now - bucket.refilled_at));
  bucket.tokens = std::min(limits.burst, bucket.tokens + elapsed_seconds * limits.requests_per_second);
  bucket.refilled_at = now;
  if (bucket.tokens < 1) {
    return QuotaExceeded(
        absl::StrCat("institution ", institution_code, " requests per second"),
        absl::StrCat("institution ", institution_code, " is over its limit of ",
                     limits.requests_per_second, " requests per second; retry with backoff"));
  }
  bucket.tokens -= 1;
  return absl::OkStatus();
}

}  // namespace creditbank::domain
