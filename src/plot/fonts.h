// Pango, cairo and fontconfig keep font caches for the life of the process. Each drawing holds
// this for its duration: one drawing at a time (the server renders reports from several
// threads); the caches are released at exit, which keeps the leak checker's report clean.
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
