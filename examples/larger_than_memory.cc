// Stores several times more data than its memory budget, checkpoints, closes, reopens and
// reads every key back: the embedded API keeps what does not fit in memory on disk.
//
//   ferrite-example-larger-than-memory [--keys N] [--value-size B] [--budget-mib M]
//                                      [--shards S] [--dir PATH]
//
// Exits 1 when a key is missing or wrong, 2 on an error.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <semaphore>
#include <string>
#include <string_view>

#include "ferrite/db.h"

namespace {

struct Args {
  uint64_t keys = 200'000;
  size_t value_size = 500;
  uint64_t budget_mib = 16;
  uint32_t shards = 2;
  std::string dir;
};

bool ParseArgs(int argc, char** argv, Args& args) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string_view flag = argv[i];
    const char* value = argv[i + 1];
    if (flag == "--keys") {
      args.keys = std::strtoull(value, nullptr, 10);
    } else if (flag == "--value-size") {
      args.value_size = std::strtoull(value, nullptr, 10);
    } else if (flag == "--budget-mib") {
      args.budget_mib = std::strtoull(value, nullptr, 10);
    } else if (flag == "--shards") {
      args.shards = static_cast<uint32_t>(std::strtoul(value, nullptr, 10));
    } else if (flag == "--dir") {
      args.dir = value;
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && args.keys > 0 && args.value_size > 0;
}

std::string KeyOf(uint64_t i) { return "key:" + std::to_string(i); }

// A value that differs per key in its prefix and its filler.
std::string ValueOf(uint64_t i, size_t size) {
  std::string value = std::to_string(i) + ":";
  value.reserve(size);
  while (value.size() < size) value.push_back(static_cast<char>('a' + (i + value.size()) % 26));
  value.resize(size);
  return value;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Bounds the operations in flight: each takes a slot that its callback gives back.
constexpr std::ptrdiff_t kWindow = 256;

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, args)) {
    std::fprintf(stderr,
                 "usage: %s [--keys N] [--value-size B] [--budget-mib M] [--shards S] "
                 "[--dir PATH]\n",
                 argv[0]);
    return 2;
  }
  const bool own_dir = args.dir.empty();
  if (own_dir) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ferrite-example-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("mkdtemp");
      return 2;
    }
    args.dir = pattern;
  } else {
    std::error_code ignored;
    std::filesystem::remove_all(args.dir, ignored);  // start from an empty database
  }

  ferrite::DbOptions options;
  options.memory_budget = args.budget_mib << 20;
  options.page_size = 256 << 10;
  options.shards = args.shards;
  const double data_mib = static_cast<double>(args.keys * args.value_size) / (1 << 20);
  std::printf("dir %s: %llu keys x %zu bytes = %.1f MiB, budget %llu MiB, %u shards\n",
              args.dir.c_str(), static_cast<unsigned long long>(args.keys), args.value_size,
              data_mib, static_cast<unsigned long long>(args.budget_mib), args.shards);

  int exit_code = 0;
  {
    auto db = ferrite::Db::Open(args.dir, options);
    if (!db.ok()) {
      std::fprintf(stderr, "open: %s\n", db.status().ToString().c_str());
      return 2;
    }
    std::printf("io engine: %s\n", std::string((*db)->io_engine_name()).c_str());

    auto start = std::chrono::steady_clock::now();
    std::counting_semaphore<kWindow> slots(kWindow);
    std::atomic<uint64_t> write_errors{0};
    for (uint64_t i = 0; i < args.keys; ++i) {
      slots.acquire();
      (*db)->SetAsync(KeyOf(i), ValueOf(i, args.value_size),
                      [&slots, &write_errors](ferrite::Status status) {
                        if (!status.ok()) write_errors.fetch_add(1);
                        slots.release();
                      });
    }
    for (std::ptrdiff_t i = 0; i < kWindow; ++i) slots.acquire();
    const double write_s = SecondsSince(start);
    std::printf("wrote %llu keys in %.2f s (%.0f keys/s), %llu errors\n",
                static_cast<unsigned long long>(args.keys), write_s, args.keys / write_s,
                static_cast<unsigned long long>(write_errors.load()));
    if (write_errors.load() > 0) return 2;

    start = std::chrono::steady_clock::now();
    ferrite::Status status = (*db)->Checkpoint();
    if (status.ok()) status = (*db)->Close();
    if (!status.ok()) {
      std::fprintf(stderr, "checkpoint/close: %s\n", status.ToString().c_str());
      return 2;
    }
    std::printf("checkpoint + close in %.2f s\n", SecondsSince(start));
  }
  {
    auto start = std::chrono::steady_clock::now();
    auto db = ferrite::Db::Open(args.dir, options);
    if (!db.ok()) {
      std::fprintf(stderr, "reopen: %s\n", db.status().ToString().c_str());
      return 2;
    }
    std::printf("reopened (index rebuilt) in %.2f s\n", SecondsSince(start));

    start = std::chrono::steady_clock::now();
    std::counting_semaphore<kWindow> slots(kWindow);
    std::atomic<uint64_t> good{0}, missing{0}, wrong{0}, errors{0};
    for (uint64_t i = 0; i < args.keys; ++i) {
      slots.acquire();
      (*db)->GetAsync(KeyOf(i), [&, i](ferrite::Result<std::string> value) {
        if (value.ok()) {
          (*value == ValueOf(i, args.value_size) ? good : wrong).fetch_add(1);
        } else if (value.status().code() == ferrite::StatusCode::kNotFound) {
          if (missing.fetch_add(1) < 5) std::fprintf(stderr, "missing: %s\n", KeyOf(i).c_str());
        } else {
          errors.fetch_add(1);
        }
        slots.release();
      });
    }
    for (std::ptrdiff_t i = 0; i < kWindow; ++i) slots.acquire();
    const double read_s = SecondsSince(start);
    std::printf("read %llu keys in %.2f s (%.0f keys/s): %llu good, %llu missing, %llu wrong, "
                "%llu errors\n",
                static_cast<unsigned long long>(args.keys), read_s, args.keys / read_s,
                static_cast<unsigned long long>(good.load()),
                static_cast<unsigned long long>(missing.load()),
                static_cast<unsigned long long>(wrong.load()),
                static_cast<unsigned long long>(errors.load()));
    if (errors.load() > 0) exit_code = 2;
    else if (good.load() != args.keys) exit_code = 1;
    ferrite::Status closed = (*db)->Close();
    if (!closed.ok()) {
      std::fprintf(stderr, "close: %s\n", closed.ToString().c_str());
      exit_code = 2;
    }
  }
  if (own_dir) {
    std::error_code ignored;
    std::filesystem::remove_all(args.dir, ignored);
  }
  std::printf("%s\n", exit_code == 0 ? "OK" : "FAILED");
  return exit_code;
}
