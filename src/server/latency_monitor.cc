#include "server/latency_monitor.h"

namespace ferrite {

void LatencyMonitor::AddSample(std::string_view event, int64_t latency_ms, int64_t unix_time) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = events_.find(event);
  if (it == events_.end()) it = events_.emplace(std::string(event), Series{}).first;
  Series& series = it->second;
  if (latency_ms > series.max_ms) series.max_ms = latency_ms;
  LatencySample& newest = series.ring[(series.next + kSamplesPerEvent - 1) % kSamplesPerEvent];
  if (newest.unix_time == unix_time) {
    if (latency_ms > newest.latency_ms) newest.latency_ms = latency_ms;
    return;
  }
  series.ring[series.next] = {unix_time, latency_ms};
  series.next = (series.next + 1) % kSamplesPerEvent;
}

std::vector<LatencyEventSeries> LatencyMonitor::Events() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<LatencyEventSeries> out;
  out.reserve(events_.size());
  for (const auto& [name, series] : events_) {
    LatencyEventSeries& report = out.emplace_back();
    report.name = name;
    report.max_ms = series.max_ms;
    for (size_t i = 0; i < kSamplesPerEvent; ++i) {
      const LatencySample& sample = series.ring[(series.next + i) % kSamplesPerEvent];
      if (sample.unix_time != 0) report.samples.push_back(sample);
    }
  }
  return out;
}

size_t LatencyMonitor::Reset(std::span<const std::string_view> events) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (events.empty()) {
    size_t count = events_.size();
    events_.clear();
    return count;
  }
  size_t count = 0;
  for (std::string_view event : events) {
    auto it = events_.find(event);
    if (it == events_.end()) continue;
    events_.erase(it);
    ++count;
  }
  return count;
}

}  // namespace ferrite
