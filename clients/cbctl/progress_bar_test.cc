#include "clients/cbctl/progress_bar.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace creditbank::cbctl {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ProgressBarTest, RendersRowsOfTotalAndRate) {
  EXPECT_EQ(ProgressBar::Render(1500, 3000, absl::Seconds(2)),
            "[###############...............] 1500/3000 rows  750 rows/s");
  EXPECT_EQ(ProgressBar::Render(0, 3000, absl::ZeroDuration()),
            "[..............................]    0/3000 rows  0 rows/s");
  EXPECT_EQ(ProgressBar::Render(3000, 3000, absl::Milliseconds(50)),
            "[##############################] 3000/3000 rows  60000 rows/s");
  EXPECT_EQ(ProgressBar::Render(0, 0, absl::Seconds(1)), "[##############################] 0/0 rows  0 rows/s");
}

TEST(ProgressBarTest, DrawsNothingWhenDisabled) {
  std::ostringstream out;
  {
    ProgressBar bar(out, /*enabled=*/false);
    bar.Update(10, 10);
    bar.Clear();
  }
  EXPECT_EQ(out.str(), "");
}

TEST(ProgressBarTest, RedrawsInPlaceAndEndsTheLine) {
  std::ostringstream out;
  {
    ProgressBar bar(out, /*enabled=*/true);
    bar.Update(10, 10);
  }
  EXPECT_THAT(out.str(), StartsWith("\r[##############################] 10/10 rows"));
  EXPECT_EQ(out.str().back(), '\n');
}

TEST(ProgressBarTest, ClearBlanksTheLineForOtherText) {
  std::ostringstream out;
  ProgressBar bar(out, /*enabled=*/true);
  bar.Update(5, 5);
  const size_t drawn = out.str().size() - 1;  // without the '\r'
  bar.Clear();
  EXPECT_THAT(out.str(), HasSubstr("\r" + std::string(drawn, ' ') + "\r"));
}

}  // namespace
}  // namespace creditbank::cbctl
