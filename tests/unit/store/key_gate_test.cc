// KeyGate: work on free keys runs at once and leaves nothing behind; work on held keys
// waits, in arrival order, until every earlier request for any of its keys released.
#include "store/key_gate.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

namespace ferrite {
namespace {

TEST(KeyGateTest, WorkThatFinishesAtOnceLeavesNoEntry) {
  KeyGate gate;
  int ran = 0;
  gate.Run({"a", "b"}, [&](KeyGate::Release release) {
    ++ran;
    release();
  });
  EXPECT_EQ(ran, 1);
  EXPECT_EQ(gate.busy_keys(), 0u);
  EXPECT_EQ(gate.waiting(), 0u);
}

TEST(KeyGateTest, WorkOnAHeldKeyWaitsForTheRelease) {
  KeyGate gate;
  KeyGate::Release first;
  gate.Run({"k"}, [&](KeyGate::Release release) { first = release; });
  EXPECT_EQ(gate.busy_keys(), 1u);
  std::vector<int> order;
  gate.Run({"k"}, [&](KeyGate::Release release) {
    order.push_back(2);
    release();
  });
  gate.Run({"other"}, [&](KeyGate::Release release) {
    order.push_back(3);  // another key: not held up
    release();
  });
  gate.Run({"k"}, [&](KeyGate::Release release) {
    order.push_back(4);
    release();
  });
  EXPECT_EQ(order, (std::vector<int>{3}));
  EXPECT_EQ(gate.waiting(), 2u);
  first();
  EXPECT_EQ(order, (std::vector<int>{3, 2, 4}));
  EXPECT_EQ(gate.busy_keys(), 0u);
  EXPECT_EQ(gate.waiting(), 0u);
}

TEST(KeyGateTest, MultiKeyWorkWaitsForEveryKeyAndHoldsTheFreeOnes) {
  KeyGate gate;
  KeyGate::Release hold_a;
  gate.Run({"a"}, [&](KeyGate::Release release) { hold_a = release; });
  std::vector<std::string> order;
  KeyGate::Release hold_ab;
  gate.Run({"b", "a", "a"}, [&](KeyGate::Release release) {
    order.push_back("ab");
    hold_ab = release;
  });
  // "b" is free but the request before it holds its place there: later work on "b"
  // must not overtake it.
  gate.Run({"b"}, [&](KeyGate::Release release) {
    order.push_back("b");
    release();
  });
  EXPECT_TRUE(order.empty());
  hold_a();
  EXPECT_EQ(order, (std::vector<std::string>{"ab"}));
  hold_ab();
  EXPECT_EQ(order, (std::vector<std::string>{"ab", "b"}));
  EXPECT_EQ(gate.busy_keys(), 0u);
}

TEST(KeyGateTest, RunFromInsideRunningWorkQueuesBehindIt) {
  KeyGate gate;
  std::vector<std::string> order;
  KeyGate::Release outer;
  gate.Run({"k"}, [&](KeyGate::Release release) {
    outer = release;
    gate.Run({"k"}, [&](KeyGate::Release inner) {
      order.push_back("inner");
      inner();
    });
    order.push_back("outer");
  });
  EXPECT_EQ(order, (std::vector<std::string>{"outer"}));
  outer();
  EXPECT_EQ(order, (std::vector<std::string>{"outer", "inner"}));
  EXPECT_EQ(gate.busy_keys(), 0u);
}

TEST(KeyGateTest, ALongQueueDrainsWithoutDeepRecursion) {
  KeyGate gate;
  KeyGate::Release first;
  gate.Run({"k"}, [&](KeyGate::Release release) { first = release; });
  int ran = 0;
  for (int i = 0; i < 10000; ++i) {  // a long queue drains without deep recursion
    gate.Run({"k"}, [&](KeyGate::Release release) {
      ++ran;
      release();
    });
  }
  first();
  EXPECT_EQ(ran, 10000);
  EXPECT_EQ(gate.busy_keys(), 0u);
}

// Random requests over a few keys, released in random order: no two running requests
// ever share a key, and every request runs.
TEST(KeyGateTest, RandomRequestsNeverOverlapAndAllRun) {
  std::mt19937 random(7);
  KeyGate gate;
  std::vector<int> holders(6, 0);
  struct Held {
    std::vector<int> keys;
    KeyGate::Release release;
  };
  std::vector<Held> outstanding;
  int started = 0, finished = 0;
  auto release_one = [&] {
    size_t i = random() % outstanding.size();
    Held held = std::move(outstanding[i]);
    outstanding.erase(outstanding.begin() + static_cast<long>(i));
    for (int key : held.keys) --holders[key];
    ++finished;
    held.release();
  };
  for (int step = 0; step < 5000; ++step) {
    if (!outstanding.empty() && random() % 2 == 0) {
      release_one();
      continue;
    }
    std::vector<int> keys;
    for (int n = 1 + static_cast<int>(random() % 3); n > 0; --n) keys.push_back(random() % 6);
    std::vector<std::string> names;
    for (int key : keys) names.push_back("key" + std::to_string(key));
    ++started;
    gate.Run(names, [&, keys](KeyGate::Release release) {
      std::vector<int> unique = keys;
      std::sort(unique.begin(), unique.end());
      unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
      for (int key : unique) EXPECT_EQ(++holders[key], 1) << "key" << key << " held twice";
      if (random() % 3 == 0) {
        for (int key : unique) --holders[key];
        ++finished;
        release();
      } else {
        outstanding.push_back({unique, release});
      }
    });
  }
  while (!outstanding.empty()) release_one();
  EXPECT_EQ(finished, started);
  EXPECT_EQ(gate.busy_keys(), 0u);
  EXPECT_EQ(gate.waiting(), 0u);
}

}  // namespace
}  // namespace ferrite
