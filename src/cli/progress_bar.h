// The progress of a long command as a bar on the terminal (stderr), the same reports a
// background job gives the API (core/progress.h). Nothing is drawn when stderr is not a terminal
// (scripts, pipes, CI logs) or with --json; the bar is cleared when the command ends.
//
//   const auto report = with_progress_bar(!g.json, [&](const core::Progress& progress) {
//     return app::verify(session, held, progress); });   // the bar is gone before printing
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/progress.h"

namespace athar::cli {

class ProgressBar {
 public:
  explicit ProgressBar(bool wanted) : shown_(wanted && isatty(STDERR_FILENO)) {}
  ~ProgressBar() {
    if (drawn_) std::fputs("\r\033[K", stderr);
  }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  core::Progress progress() {
    if (!shown_) return {};
    return core::Progress(
        [this](double fraction, std::string_view phase) { draw(fraction, phase); });
  }

 private:
  void draw(double fraction, std::string_view phase) {
    const int percent = static_cast<int>(fraction * 100);
    const auto now = std::chrono::steady_clock::now();
    // Redrawn when the figure or phase changes, at most ten times a second.
    if (percent == percent_ && phase == phase_) return;
    if (drawn_ && phase == phase_ && now - last_ < std::chrono::milliseconds(100)) return;
    percent_ = percent;
    phase_.assign(phase);
    last_ = now;
    constexpr int kWidth = 30;
    std::string bar(kWidth, '.');
    for (int i = 0; i < kWidth * percent / 100; ++i) bar[static_cast<size_t>(i)] = '#';
    std::fprintf(stderr, "\r\033[K[%s] %3d%%  %s", bar.c_str(), percent, phase_.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

  bool shown_, drawn_ = false;
  int percent_ = -1;
  std::string phase_;
  std::chrono::steady_clock::time_point last_;
};

// Runs work(progress) with a bar on the terminal, cleared before its result is returned.
template <class Work>
auto with_progress_bar(bool wanted, Work work) {
  ProgressBar bar(wanted);
  return work(bar.progress());
}

}  // namespace athar::cli
