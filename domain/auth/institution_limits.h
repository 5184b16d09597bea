// InstitutionLimits: per-institution request limits — a largest batch and
// a request rate (a token bucket per institution) — so one institution's
// runaway import cannot starve the others. Past either, RESOURCE_EXHAUSTED
// (with a google.rpc.QuotaFailure naming the limit).
//
//   InstitutionLimits limits({.requests_per_second = 200, .burst = 400,
//                             .max_batch_items = 1000}, clock);
//   RETURN_IF_ERROR(limits.Admit("CQ001", request.outcomes_size()));
#ifndef CREDITBANK_DOMAIN_AUTH_INSTITUTION_LIMITS_H_
#define CREDITBANK_DOMAIN_AUTH_INSTITUTION_LIMITS_H_

#include <cstddef>
#include <map>
#include <string>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace creditbank::domain {

struct RequestLimits {
  double requests_per_second = 200;  // 0: no rate limit
  double burst = 400;                // requests allowed at once after idling
  size_t max_batch_items = 1000;     // items per RecordOutcomes request or chunk
};

// Buckets kept at most; past it, full (idle) buckets are dropped first.
// Institution codes come from certificates in production, but from request
// fields in development mode, so the map must not grow without bound.
inline constexpr size_t kMaxTrackedInstitutions = 100'000;

class InstitutionLimits {
 public:
  InstitutionLimits(RequestLimits defaults, const Clock& clock) : defaults_(defaults), clock_(clock) {}

  // Limits for one institution instead of the defaults.
  void Override(const std::string& institution_code, RequestLimits limits);

  // Takes one request of `items` items from the institution's bucket.
  // RESOURCE_EXHAUSTED when the batch is too large (nothing is taken) or
  // the bucket is empty.
  absl::Status Admit(absl::string_view institution_code, size_t items);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time refilled_at;
  };
  const RequestLimits& LimitsFor(absl::string_view institution_code) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  void DropIdleBuckets(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);

  const RequestLimits defaults_;
  const Clock& clock_;
  absl::Mutex mutex_;
  std::map<std::string, RequestLimits, std::less<>> overrides_ ABSL_GUARDED_BY(mutex_);
  std::unordered_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace creditbank::domain

#endif  // CREDITBANK_DOMAIN_AUTH_INSTITUTION_LIMITS_H_
