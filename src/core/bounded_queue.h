// A bounded queue between two threads: a producer blocks while it is full, a consumer while it
// is empty. Closing it wakes both; a producer's failure travels to the consumer.
//
//   BoundedQueue<Batch> queue(4);
//   producer: if (!queue.push(std::move(batch))) return;   // the consumer gave up
//             queue.close();                                // or
//             queue.fail(std::current_exception())
//   consumer: while (auto batch = queue.pop()) { ... }      // rethrows the producer's failure
#pragma once

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>

namespace athar::core {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}

  // False when the queue was closed: stop producing.
  bool push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Adds an item only if there is room now; false otherwise (the item is dropped).
  bool try_push(T&& item) {
    std::lock_guard lock(mutex_);
    if (closed_ || items_.size() >= capacity_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  // Empty at the end; rethrows a failure the producer reported.
  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (!items_.empty()) {
      T item = std::move(items_.front());
      items_.pop_front();
      not_full_.notify_one();
      return item;
    }
    if (failure_) std::rethrow_exception(failure_);
    return std::nullopt;
  }

  // An item if one is waiting, without blocking.
  std::optional<T> try_pop() {
    std::lock_guard lock(mutex_);
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

  void fail(std::exception_ptr failure) {
    std::lock_guard lock(mutex_);
    failure_ = failure;
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  size_t capacity_;
  bool closed_ = false;
  std::exception_ptr failure_;
};

}  // namespace athar::core
