// The base of storage tests that run on each IoEngine: it creates the engine the test
// parameter names and can put the fault-injecting engine in front of it. Members of a
// derived fixture (a store, a log) are destroyed before the engine, as they must be.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "io/engine_factory.h"
#include "io/fault_injecting_engine.h"

namespace ferrite {

class EngineTest : public ::testing::TestWithParam<IoEngineKind> {
 protected:
  // A small ring by default, so that batches of pages overflow it.
  explicit EngineTest(uint32_t uring_entries = 16) : uring_entries_(uring_entries) {}

  void SetUp() override {
    IoOptions options;
    options.uring_entries = uring_entries_;
    options.registered_buffers = 4;
    auto engine = CreateIoEngine(GetParam(), options);
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value();
  }

  // Wraps the engine in a FaultInjectingEngine; call before opening what uses it.
  void InjectFaults(uint64_t seed = 7) {
    auto faults = FaultInjectingEngine::Create(std::move(engine_), FaultOptions{.seed = seed});
    ASSERT_TRUE(faults.ok()) << faults.status().ToString();
    faults_ = faults->get();
    engine_ = std::move(faults).value();
  }

  // Starts an operation and runs the engine until its callback; a start error is
  // returned as is. The callback must not run inside the starting call.
  template <typename StartFn>
  Status Await(StartFn start) {
    std::optional<Status> outcome;
    Status started = start([&](Status status) { outcome = std::move(status); });
    if (!started.ok()) return started;
    EXPECT_FALSE(outcome.has_value()) << "callback ran inside the call";
    while (!outcome.has_value()) engine_->Wait(1);
    return *std::move(outcome);
  }

  std::unique_ptr<IoEngine> engine_;
  FaultInjectingEngine* faults_ = nullptr;  // set by InjectFaults()

 private:
  uint32_t uring_entries_;
};

inline std::string EngineTestName(const ::testing::TestParamInfo<IoEngineKind>& param_info) {
  return std::string(IoEngineKindName(param_info.param));
}

}  // namespace ferrite
