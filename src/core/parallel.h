// Work spread over threads: chunks handed out one at a time, so that uneven chunks balance.
//
//   core::parallel_chunks(core::thread_count(0), blocks.size(), [&](unsigned thread, size_t c) {
//     ... work on chunk c, writing only to thread's own accumulators ...
//   });
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "core/progress.h"

namespace athar::core {

// `requested`, or every core when 0.
inline unsigned thread_count(unsigned requested) {
  return requested ? requested : std::max(1u, std::thread::hardware_concurrency());
}

// Runs work(thread, chunk) for chunks 0..chunks-1 on `threads` threads (the caller's is thread
// 0), each taking the next chunk as it finishes one. An exception from any chunk (or from
// `progress`, which the caller's thread tells after each of its chunks) stops the handing out of
// chunks; the threads finish the ones they hold and the first exception is rethrown here.
template <class Work>
void parallel_chunks(unsigned threads, size_t chunks, Work work, const Progress& progress = {},
                     std::string_view phase = {}) {
  std::atomic<size_t> next{0}, done{0};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  // The caller's thread tells progress each time the count has moved a 256th on since it last
  // told (the other threads move it too, so it rarely lands on exact multiples).
  const size_t step = chunks / 256 + 1;
  size_t told = 0;
  const auto run = [&](unsigned thread) {
    try {
      for (size_t c = next++; c < chunks; c = next++) {
        work(thread, c);
        const size_t finished = ++done;
        if (thread == 0 && progress && (finished >= told + step || finished == chunks)) {
          told = finished;
          progress(static_cast<double>(finished) / static_cast<double>(chunks), phase);
        }
      }
    } catch (...) {
      next = chunks;
      std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(run, t);
  run(0);
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace athar::core
