// Counters behind INFO stats, commandstats and errorstats. Each worker thread owns one
// WorkerStats and is the only thread that writes it (increments, and the reset CONFIG
// RESETSTAT sends it); INFO reads them from any thread. So a counter is an atomic only
// for the readers: the owner adds with a relaxed load and store, plain instructions,
// where a locked read-modify-write would cost more than the command itself.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "server/latency_buckets.h"

namespace ferrite {

// REQUIRES for Add, RaiseTo and Reset: called on the owning worker's thread only.
class Counter {
 public:
  void Add(uint64_t n = 1) { value_.store(Get() + n, std::memory_order_relaxed); }
  uint64_t Get() const { return value_.load(std::memory_order_relaxed); }
  void Reset() { value_.store(0, std::memory_order_relaxed); }
  void Set(uint64_t value) { value_.store(value, std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

struct CommandCounters {
  Counter calls;
  Counter usec;
  Counter rejected_calls;  // refused before running (arity, NOAUTH, ...)
  Counter failed_calls;    // ran and replied with an error
  // LATENCY HISTOGRAM: calls by duration (latency_buckets.h); empty while
  // latency-tracking is off.
  Counter latency_buckets[kLatencyBucketCount];
};

class WorkerStats {
 public:
  explicit WorkerStats(size_t command_count)
      : commands_(std::make_unique<CommandCounters[]>(command_count)),
        command_count_(command_count) {}

  Counter connections_received;
  Counter rejected_connections;
  Counter commands_processed;
  Counter net_input_bytes;
  Counter net_output_bytes;
  Counter error_replies;
  Counter reads_processed;
  Counter writes_processed;
  // Largest query and output buffers of this worker's clients in the last second.
  Counter recent_max_input_buffer;
  Counter recent_max_output_buffer;

  CommandCounters& command(size_t index) { return commands_[index]; }
  const CommandCounters& command(size_t index) const { return commands_[index]; }
  size_t command_count() const { return command_count_; }

  // Counts an error reply under its code ("ERR", "WRONGTYPE", ...), for errorstats.
  void CountErrorCode(const std::string& code) {
    std::lock_guard<std::mutex> lock(errors_mutex_);
    ++error_codes_[code];
  }
  std::map<std::string, uint64_t> ErrorCodes() const {
    std::lock_guard<std::mutex> lock(errors_mutex_);
    return error_codes_;
  }

  void Reset() {
    for (Counter* counter : {&connections_received, &rejected_connections, &commands_processed,
                             &net_input_bytes, &net_output_bytes, &error_replies, &reads_processed,
                             &writes_processed}) {
      counter->Reset();
    }
    for (size_t i = 0; i < command_count_; ++i) {
      commands_[i].calls.Reset();
      commands_[i].usec.Reset();
      commands_[i].rejected_calls.Reset();
      commands_[i].failed_calls.Reset();
      for (Counter& bucket : commands_[i].latency_buckets) bucket.Reset();
    }
    std::lock_guard<std::mutex> lock(errors_mutex_);
    error_codes_.clear();
  }

 private:
  std::unique_ptr<CommandCounters[]> commands_;
  size_t command_count_;
  mutable std::mutex errors_mutex_;
  std::map<std::string, uint64_t> error_codes_;
};

}  // namespace ferrite

namespace ferrite {

// A per-second rate averaged over the last 16 samples, as Redis computes its
// instantaneous_* figures. Sampled by one thread; read from any.
class RateSampler {
 public:
  void Sample(int64_t now_ms, uint64_t total) {
    if (last_ms_ != 0 && now_ms > last_ms_) {
      uint64_t delta = total >= last_total_ ? total - last_total_ : 0;  // after RESETSTAT
      double rate = static_cast<double>(delta) * 1000.0 /
                    static_cast<double>(now_ms - last_ms_);
      samples_[next_++ % kSamples] = rate;
      double sum = 0;
      size_t count = next_ < kSamples ? next_ : kSamples;
      for (size_t i = 0; i < count; ++i) sum += samples_[i];
      average_.store(sum / static_cast<double>(count), std::memory_order_relaxed);
    }
    last_ms_ = now_ms;
    last_total_ = total;
  }
  double PerSecond() const { return average_.load(std::memory_order_relaxed); }

 private:
  static constexpr size_t kSamples = 16;
  double samples_[kSamples] = {};
  size_t next_ = 0;
  int64_t last_ms_ = 0;
  uint64_t last_total_ = 0;
  std::atomic<double> average_{0};
};

}  // namespace ferrite
