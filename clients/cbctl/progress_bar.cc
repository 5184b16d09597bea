#include "clients/cbctl/progress_bar.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"

namespace creditbank::cbctl {

ProgressBar::ProgressBar(std::ostream& out, bool enabled)
    : out_(out), enabled_(enabled), start_(absl::Now()) {}

ProgressBar::~ProgressBar() {
  if (drawn_) out_ << "\n" << std::flush;
}

void ProgressBar::Update(size_t done, size_t total) {
  if (!enabled_) return;
  const absl::Time now = absl::Now();
  if (done < total && now - last_drawn_ < kRedrawInterval) return;
  last_drawn_ = now;
  drawn_ = true;
  const std::string line = Render(done, total, now - start_);
  drawn_length_ = line.size();
  out_ << "\r" << line << std::flush;
}

void ProgressBar::Clear() {
  if (!drawn_) return;
  out_ << "\r" << std::string(drawn_length_, ' ') << "\r" << std::flush;
  drawn_ = false;
  last_drawn_ = absl::InfinitePast();
}

std::string ProgressBar::Render(size_t done, size_t total, absl::Duration elapsed) {
  done = std::min(done, total);
  const size_t filled = total == 0 ? kBarWidth : done * kBarWidth / total;
  const double seconds = absl::ToDoubleSeconds(elapsed);
  // A rate for display only: rounding is fine here, unlike credits.
  const size_t rate = seconds > 0 ? static_cast<size_t>(static_cast<double>(done) / seconds) : 0;
  const size_t digits = absl::StrCat(total).size();
  return absl::StrFormat("[%s%s] %*d/%d rows  %d rows/s", std::string(filled, '#'),
                         std::string(kBarWidth - filled, '.'), static_cast<int>(digits), done,
                         total, rate);
}

}  // namespace creditbank::cbctl
