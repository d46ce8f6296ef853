#include "io/engine_factory.h"

#include <gtest/gtest.h>

namespace ferrite {
namespace {

// io_uring works on the kernels CI and development use; making it unavailable for real
// (a seccomp filter) is the job of tests/integration/test_io_engine.py.
TEST(EngineFactoryTest, AutoPrefersUring) {
  auto choice = ChooseIoEngine(IoOptions{});
  ASSERT_TRUE(choice.ok()) << choice.status().ToString();
  EXPECT_EQ(choice->kind, IoEngineKind::kUring);
  EXPECT_TRUE(choice->fallback_reason.empty());
  std::string reason = "untouched?";
  auto engine = CreateIoEngine(IoOptions{}, &reason);
  ASSERT_TRUE(engine.ok());
  EXPECT_EQ((*engine)->name(), "uring");
  EXPECT_EQ(reason, "");
}

TEST(EngineFactoryTest, ThreadsWhenAskedFor) {
  IoOptions options;
  options.engine = IoEngineKind::kThreads;
  options.pool_threads = 3;
  auto engine = CreateIoEngine(options);
  ASSERT_TRUE(engine.ok());
  EXPECT_EQ((*engine)->name(), "threads");
  EXPECT_EQ((*engine)->settings(), "threads=3 buffers=64x65536");
}

TEST(EngineFactoryTest, AutoFallsBackWithTheReasonWhenTheRingCantBeMade) {
  // Options the kernel refuses make the probe fail for real, as a missing io_uring would.
  IoOptions options;
  options.uring_entries = 100000;
  auto choice = ChooseIoEngine(options);
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(choice->kind, IoEngineKind::kThreads);
  EXPECT_NE(choice->fallback_reason.find("uring_entries"), std::string::npos)
      << choice->fallback_reason;

  options.engine = IoEngineKind::kUring;
  auto refused = ChooseIoEngine(options);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(refused.status().message().find("io engine \"uring\" is unavailable"),
            std::string_view::npos)
      << refused.status().ToString();
}

TEST(EngineFactoryTest, BadPoolSizeIsAnError) {
  IoOptions options;
  options.pool_threads = 0;
  auto engine = CreateIoEngine(IoEngineKind::kThreads, options);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.status().code(), StatusCode::kInvalidArgument);
}

TEST(EngineFactoryTest, KindNames) {
  EXPECT_EQ(IoEngineKindName(IoEngineKind::kAuto), "auto");
  EXPECT_EQ(IoEngineKindName(IoEngineKind::kUring), "uring");
  EXPECT_EQ(IoEngineKindName(IoEngineKind::kThreads), "threads");
}

}  // namespace
}  // namespace ferrite
