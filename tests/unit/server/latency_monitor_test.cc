// LATENCY's event series: one sample per second (the worst), a ring of 160, the worst
// ever, and resets by name.
#include "server/latency_monitor.h"

#include <gtest/gtest.h>

namespace ferrite {
namespace {

TEST(LatencyMonitorTest, OneSamplePerSecondKeepsTheWorst) {
  LatencyMonitor monitor;
  monitor.AddSample("command", 20, 1000);
  monitor.AddSample("command", 50, 1000);
  monitor.AddSample("command", 30, 1000);
  monitor.AddSample("command", 10, 1001);
  std::vector<LatencyEventSeries> events = monitor.Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "command");
  EXPECT_EQ(events[0].max_ms, 50);
  ASSERT_EQ(events[0].samples.size(), 2u);
  EXPECT_EQ(events[0].samples[0].unix_time, 1000);
  EXPECT_EQ(events[0].samples[0].latency_ms, 50);
  EXPECT_EQ(events[0].samples[1].unix_time, 1001);
  EXPECT_EQ(events[0].samples[1].latency_ms, 10);
}

TEST(LatencyMonitorTest, KeepsTheNewest160SecondsOldestFirst) {
  LatencyMonitor monitor;
  for (int64_t t = 1; t <= 200; ++t) monitor.AddSample("command", t, 5000 + t);
  std::vector<LatencyEventSeries> events = monitor.Events();
  ASSERT_EQ(events[0].samples.size(), LatencyMonitor::kSamplesPerEvent);
  EXPECT_EQ(events[0].samples.front().latency_ms, 41);
  EXPECT_EQ(events[0].samples.back().latency_ms, 200);
  EXPECT_EQ(events[0].max_ms, 200);
}

TEST(LatencyMonitorTest, EventsAreListedByName) {
  LatencyMonitor monitor;
  monitor.AddSample("fast-command", 5, 10);
  monitor.AddSample("command", 7, 10);
  std::vector<LatencyEventSeries> events = monitor.Events();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].name, "command");
  EXPECT_EQ(events[1].name, "fast-command");
}

TEST(LatencyMonitorTest, ResetCountsTheEventsItForgot) {
  LatencyMonitor monitor;
  monitor.AddSample("command", 5, 10);
  monitor.AddSample("fast-command", 5, 10);
  std::string_view named[] = {"command", "command", "nosuch"};
  EXPECT_EQ(monitor.Reset(named), 1u);
  EXPECT_EQ(monitor.Events().size(), 1u);
  monitor.AddSample("command", 5, 10);
  EXPECT_EQ(monitor.Reset({}), 2u);
  EXPECT_TRUE(monitor.Events().empty());
  EXPECT_EQ(monitor.Reset({}), 0u);
}

}  // namespace
}  // namespace ferrite
