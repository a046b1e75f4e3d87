// How far long work has come, told to whoever started it (a job's status, a bar on a terminal),
// and their way to stop it: the sink may throw (a cancelled job's sink throws Cancelled), so an
// engine reports only where stopping is safe: from its calling thread, outside a transaction it
// would leave half-written. An empty Progress does nothing.
//
//   void screen(..., const core::Progress& progress = {}) {
//     for (size_t i = 0; i < n; ++i) { progress.items(i, n, "screening"); ... }
//   }
#pragma once

#include <functional>
#include <memory>
#include <string_view>

namespace athar::core {

class Progress {
 public:
  using Sink = std::function<void(double fraction, std::string_view phase)>;

  Progress() = default;
  explicit Progress(Sink sink) : sink_(std::make_shared<Sink>(std::move(sink))) {}

  // `fraction` of the whole (0..1) is done, in `phase`.
  void operator()(double fraction, std::string_view phase) const {
    if (sink_) (*sink_)(begin_ + (end_ - begin_) * clamp(fraction), phase);
  }
  // `done` of `total` items; cheap enough to call for every item (the sink hears of every
  // 1/256th of the work at most).
  void items(size_t done, size_t total, std::string_view phase) const {
    if (!sink_ || total == 0) return;
    const size_t step = total / 256 + 1;
    if (done % step == 0 || done == total) (*this)(static_cast<double>(done) / total, phase);
  }
  // A stage of the work that makes up [begin, end) of this one's range: a stage reports its own
  // 0..1 and the whole moves on smoothly.
  Progress part(double begin, double end) const {
    Progress p = *this;
    p.begin_ = begin_ + (end_ - begin_) * clamp(begin);
    p.end_ = begin_ + (end_ - begin_) * clamp(end);
    return p;
  }
  explicit operator bool() const { return static_cast<bool>(sink_); }

 private:
  static double clamp(double f) { return f < 0 ? 0 : (f > 1 ? 1 : f); }
  std::shared_ptr<Sink> sink_;
  double begin_ = 0, end_ = 1;
};

}  // namespace athar::core
