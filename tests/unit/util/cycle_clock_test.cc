#include "util/cycle_clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace ferrite {
namespace {

TEST(CycleClockTest, MeasuresSleepsInMicroseconds) {
  uint64_t start = CycleClock::Now();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  uint64_t elapsed = CycleClock::ToMicros(CycleClock::Now() - start);
  EXPECT_GE(elapsed, 29'000u);
  EXPECT_LT(elapsed, 2'000'000u);
}

TEST(CycleClockTest, NeverGoesBackwards) {
  uint64_t previous = CycleClock::Now();
  for (int i = 0; i < 100000; ++i) {
    uint64_t now = CycleClock::Now();
    ASSERT_GE(now, previous);
    previous = now;
  }
}

}  // namespace
}  // namespace ferrite
