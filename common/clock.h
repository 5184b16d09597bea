// Clock: where every component gets the time, so tests can set it.
//
//   RealClock clock;                 // production
//   FakeClock clock(absl::FromCivil(absl::CivilDay(2026, 7, 1), tz));
//   clock.Advance(absl::Hours(24));  // tests
#ifndef CREDITBANK_COMMON_CLOCK_H_
#define CREDITBANK_COMMON_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace creditbank {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mutex_);
    return now_;
  }
  void Set(absl::Time now) {
    absl::MutexLock lock(&mutex_);
    now_ = now;
  }
  void Advance(absl::Duration by) {
    absl::MutexLock lock(&mutex_);
    now_ += by;
  }

 private:
  mutable absl::Mutex mutex_;
  absl::Time now_ ABSL_GUARDED_BY(mutex_);
};

}  // namespace creditbank

#endif  // CREDITBANK_COMMON_CLOCK_H_
