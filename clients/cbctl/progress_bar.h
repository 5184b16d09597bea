// A one-line progress bar for long uploads, redrawn in place with '\r':
//
//   [##########..........]  1500/3000 rows  48213 rows/s
//
// Drawn only when asked (cbctl draws it only when stderr is a terminal,
// so logs and pipes get no control characters), at most every
// kRedrawInterval, and always for the final count.
#ifndef CREDITBANK_CLIENTS_CBCTL_PROGRESS_BAR_H_
#define CREDITBANK_CLIENTS_CBCTL_PROGRESS_BAR_H_

#include <cstddef>
#include <ostream>
#include <string>

#include "absl/time/time.h"

namespace creditbank::cbctl {

class ProgressBar {
 public:
  static constexpr size_t kBarWidth = 30;
  static constexpr absl::Duration kRedrawInterval = absl::Milliseconds(100);

  // `out` is usually std::cerr; nothing is drawn when !enabled.
  ProgressBar(std::ostream& out, bool enabled);
  // Ends the line if anything was drawn.
  ~ProgressBar();

  void Update(size_t done, size_t total);
  // Blanks the line so other text can be printed; the next Update redraws.
  void Clear();

  // The line for `done` of `total` after `elapsed` (without '\r').
  static std::string Render(size_t done, size_t total, absl::Duration elapsed);

 private:
  std::ostream& out_;
  const bool enabled_;
  const absl::Time start_;
  absl::Time last_drawn_ = absl::InfinitePast();
  bool drawn_ = false;
  size_t drawn_length_ = 0;
};

}  // namespace creditbank::cbctl

#endif  // CREDITBANK_CLIENTS_CBCTL_PROGRESS_BAR_H_
