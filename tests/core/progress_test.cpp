#include "core/progress.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/parallel.h"

namespace athar::core {
namespace {

struct Heard {
  std::vector<double> fractions;
  std::vector<std::string> phases;
  Progress progress() {
    return Progress([this](double f, std::string_view phase) {
      fractions.push_back(f);
      phases.emplace_back(phase);
    });
  }
};

TEST(Progress, PartsMapTheirOwnRangeIntoTheWhole) {
  Heard heard;
  const Progress whole = heard.progress();
  const Progress second_half = whole.part(0.5, 1.0);
  const Progress last_quarter = second_half.part(0.5, 1.0);
  whole(0.2, "a");
  second_half(0.0, "b");
  second_half(0.5, "b");
  last_quarter(1.0, "c");
  second_half(7.0, "past the end");  // clamped
  EXPECT_EQ(heard.fractions, (std::vector<double>{0.2, 0.5, 0.75, 1.0, 1.0}));
  EXPECT_EQ(heard.phases.back(), "past the end");
}

TEST(Progress, ItemsTellAboutEvery256thAndTheEnd) {
  Heard heard;
  const Progress p = heard.progress();
  for (size_t i = 1; i <= 100000; ++i) p.items(i, 100000, "rows");
  EXPECT_LE(heard.fractions.size(), 260u);
  EXPECT_GE(heard.fractions.size(), 250u);
  EXPECT_EQ(heard.fractions.back(), 1.0);
  for (size_t i = 1; i < heard.fractions.size(); ++i)
    EXPECT_LT(heard.fractions[i - 1], heard.fractions[i]);
}

TEST(Progress, AnEmptyOneDoesNothing) {
  const Progress none;
  EXPECT_FALSE(none);
  none(0.5, "x");
  none.part(0, 0.5).items(1, 2, "x");
}

void spin_for(std::chrono::microseconds time) {
  const auto until = std::chrono::steady_clock::now() + time;
  while (std::chrono::steady_clock::now() < until) {
  }
}

TEST(ParallelChunks, AFailingChunkStopsTheRestAndIsRethrown) {
  std::atomic<size_t> ran{0};
  // Chunks that take a little time (2 µs), so that the other thread cannot run all of them while
  // the failing one's thread waits to be scheduled.
  EXPECT_THROW(parallel_chunks(2, 10000,
                               [&](unsigned, size_t chunk) {
                                 spin_for(std::chrono::microseconds(2));
                                 ++ran;
                                 if (chunk == 10) throw std::runtime_error("bad chunk");
                               }),
               std::runtime_error);
  EXPECT_LT(ran.load(), 10000u);  // chunks after the failure were not handed out
}

TEST(ParallelChunks, ACancelledProgressStopsTheWork) {
  struct Stop {};
  std::atomic<size_t> ran{0};
  const Progress cancelled([](double f, std::string_view) {
    if (f >= 0.1) throw Stop{};
  });
  // Chunks that take a little time, as real ones do, so that the caller's thread gets some.
  const auto work = [&](unsigned, size_t) {
    spin_for(std::chrono::microseconds(2));
    ++ran;
  };
  EXPECT_THROW(parallel_chunks(2, 100000, work, cancelled, "work"), Stop);
  EXPECT_LT(ran.load(), 100000u);
}

TEST(ParallelChunks, ProgressReachesTheEndWhenNothingStopsIt) {
  Heard heard;
  std::atomic<size_t> ran{0};
  parallel_chunks(
      1, 1000, [&](unsigned, size_t) { ++ran; }, heard.progress(), "work");
  EXPECT_EQ(ran.load(), 1000u);
  EXPECT_EQ(heard.fractions.back(), 1.0);
  EXPECT_EQ(heard.phases.back(), "work");
}

}  // namespace
}  // namespace athar::core
