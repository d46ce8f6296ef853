// Names the engine a Db test runs on, for parameterized test names.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "ferrite/db.h"

namespace ferrite {

inline std::string DbEngineName(const ::testing::TestParamInfo<DbIoOptions::Engine>& param_info) {
  return param_info.param == DbIoOptions::Engine::kUring ? "uring" : "threads";
}

}  // namespace ferrite
