// Work spread over threads: chunks handed out one at a time, so that uneven chunks balance.
//
//   core::parallel_chunks(core::thread_count(0), blocks.size(), [&](unsigned thread, size_t c) {
//     ... work on chunk c, writing only to thread's own accumulators ...
//   });
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace athar::core {

// `requested`, or every core when 0.
inline unsigned thread_count(unsigned requested) {
  return requested ? requested : std::max(1u, std::thread::hardware_concurrency());
}

// Runs work(thread, chunk) for chunks 0..chunks-1 on `threads` threads (the caller's is thread
// 0), each taking the next chunk as it finishes one.
template <class Work>
void parallel_chunks(unsigned threads, size_t chunks, Work work) {
  std::atomic<size_t> next{0};
  const auto run = [&](unsigned thread) {
    for (size_t c = next++; c < chunks; c = next++) work(thread, c);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(run, t);
  run(0);
  for (auto& t : pool) t.join();
}

}  // namespace athar::core
