// CPU time of some of this process's threads, picked by name (the Db names its shard
// threads "ferrite-shard<i>"): with the process's total it tells whether the shard
// threads, the thread issuing requests, or the kernel's I/O workers set the pace.
#pragma once

#include <string_view>

namespace ferrite::bench {

// User plus system seconds of every live thread whose name starts with `prefix`, from
// /proc/self/task/*/stat; 0 where /proc can't be read.
double ThreadCpuSeconds(std::string_view prefix);

}  // namespace ferrite::bench
