// The tracker's timer queue: deadline order with FIFO ties, and cancellation of one owner's
// timers in any position of the heap, checked against a plain sorted list under random churn.
#include "flow/timer_queue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>
#include <vector>

namespace callhome {
namespace {

TEST(TimerQueue, EqualDeadlinesPopInTheOrderTheyWereSet) {
  TimerQueue q;
  std::vector<uint32_t> owners(8, TimerQueue::kNone);
  for (uint32_t i = 0; i < 8; ++i) q.add(i % 2 ? 5.0 : 7.0, i, owners[i]);
  std::vector<uint32_t> order;
  while (!q.empty()) order.push_back(q.pop(owners[q.peek_payload()]).payload);
  EXPECT_EQ(order, (std::vector<uint32_t>{1, 3, 5, 7, 0, 2, 4, 6}));
  for (uint32_t o : owners) EXPECT_EQ(o, TimerQueue::kNone);
}

TEST(TimerQueue, CancelledTimersNeverPop) {
  TimerQueue q;
  uint32_t a = TimerQueue::kNone, b = TimerQueue::kNone;
  q.add(3, 10, a);
  q.add(1, 11, a);
  q.add(2, 20, b);
  q.add(4, 12, a);
  q.cancel_if(a, [](uint32_t payload, double at) { return payload == 11 && at == 1; });
  EXPECT_EQ(q.size(), 3u);
  EXPECT_EQ(q.next_at(), 2);
  q.cancel_all(a);
  EXPECT_EQ(a, TimerQueue::kNone);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q.pop(b).payload, 20u);
  EXPECT_EQ(b, TimerQueue::kNone);
  EXPECT_TRUE(q.empty());
}

// Owners are payloads here; the model is a list of (at, seq, owner) popped in sorted order.
TEST(TimerQueue, RandomChurnMatchesASortedList) {
  std::mt19937 rng(7);
  TimerQueue q;
  constexpr uint32_t kOwners = 200;
  std::vector<uint32_t> heads(kOwners, TimerQueue::kNone);
  std::vector<std::tuple<double, uint64_t, uint32_t>> model;
  uint64_t seq = 0;
  for (int step = 0; step < 20000; ++step) {
    const unsigned op = rng() % 10;
    const uint32_t owner = rng() % kOwners;
    if (op < 6) {
      const double at = double(rng() % 50);  // few distinct deadlines: many ties
      q.add(at, owner, heads[owner]);
      model.emplace_back(at, seq++, owner);
    } else if (op < 7) {
      q.cancel_all(heads[owner]);
      std::erase_if(model, [&](const auto& t) { return std::get<2>(t) == owner; });
    } else if (!model.empty()) {
      auto first = std::min_element(model.begin(), model.end());
      ASSERT_FALSE(q.empty());
      EXPECT_EQ(q.next_at(), std::get<0>(*first));
      const uint32_t payload = q.peek_payload();
      const TimerQueue::Due d = q.pop(heads[payload]);
      EXPECT_EQ(d.payload, std::get<2>(*first));
      EXPECT_EQ(d.at, std::get<0>(*first));
      model.erase(first);
    }
    ASSERT_EQ(q.size(), model.size());
  }
}

}  // namespace
}  // namespace callhome
