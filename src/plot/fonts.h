// Pango, cairo and fontconfig keep font caches for the life of the process. A chart or a report
// is drawn rarely, so each drawing holds this for its duration: one drawing at a time (the server
// renders reports from several threads), and the caches released when it ends, which keeps the
// leak checker's report clean.
#pragma once

#include <mutex>

namespace athar::plot {

class FontUse {
 public:
  FontUse();
  ~FontUse();
  FontUse(const FontUse&) = delete;
  FontUse& operator=(const FontUse&) = delete;

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace athar::plot
