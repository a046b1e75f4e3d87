// Charts: both files written, the PNG read back and its pixels checked where the data says the
// marks must be.
#include "plot/plot.h"

#include <cairo.h>
#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <iterator>
#include <sstream>

#include "core/error.h"
#include "test_support.h"

namespace athar::plot {
namespace {

struct Pixels {
  cairo_surface_t* surface;
  explicit Pixels(const std::string& path)
      : surface(cairo_image_surface_create_from_png(path.c_str())) {}
  ~Pixels() { cairo_surface_destroy(surface); }
  bool ok() const { return cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS; }
  int width() const { return cairo_image_surface_get_width(surface); }
  int height() const { return cairo_image_surface_get_height(surface); }
  // Red, green, blue of pixel (x, y).
  std::array<int, 3> at(int x, int y) const {
    const unsigned char* row =
        cairo_image_surface_get_data(surface) + y * cairo_image_surface_get_stride(surface);
    const uint32_t v = reinterpret_cast<const uint32_t*>(row)[x];
    return {static_cast<int>(v >> 16 & 255), static_cast<int>(v >> 8 & 255),
            static_cast<int>(v & 255)};
  }
  // Pixels in column x that are clearly blue (the histogram's bars).
  int blue_in_column(int x) const {
    int n = 0;
    for (int y = 0; y < height(); ++y) {
      const auto [r, g, b] = at(x, y);
      if (b > 150 && r < 120) ++n;
    }
    return n;
  }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Plot, NiceTicks) {
  EXPECT_EQ(nice_ticks(0, 10, 5), (std::vector<double>{0, 2, 4, 6, 8, 10}));
  EXPECT_EQ(nice_ticks(9111, 13602, 4), (std::vector<double>{10000, 12000}));
  EXPECT_EQ(nice_ticks(9111, 13602, 8), (std::vector<double>{10000, 11000, 12000, 13000}));
  EXPECT_EQ(nice_ticks(0, 1, 2), (std::vector<double>{0, 0.5, 1}));
  EXPECT_EQ(nice_ticks(5, 5, 3), (std::vector<double>{5}));
}

// Draws piled at 10 (many) and 20 (few) between 0 and 30: the tallest bar is at 10, a shorter
// one at 20, nothing at 5.
TEST(Plot, HistogramBarsWhereTheDrawsAre) {
  athar::testing::ScratchDir dir;
  Histogram h;
  h.title = "Posterior of the total";
  h.x_label = "total";
  h.bins = 30;
  for (int i = 0; i < 300; ++i) h.values.push_back(10.5);
  for (int i = 0; i < 100; ++i) h.values.push_back(20.5);
  h.values.push_back(0);
  h.values.push_back(30);
  h.markers = {{"median", 10.5}};
  write_histogram(h, dir.file("posterior"));
  EXPECT_NE(slurp(dir.file("posterior.svg")).find("<svg"), std::string::npos);
  const Pixels png(dir.file("posterior.png"));
  ASSERT_TRUE(png.ok());
  EXPECT_EQ(png.width(), 800);
  EXPECT_EQ(png.height(), 500);
  // Plot area x from 80 to 770 for values 0..30: one bin is 23 px wide.
  const auto column = [](double value) { return static_cast<int>(80 + value / 30 * 690); };
  const int at_10 = png.blue_in_column(column(10.5) + 3), at_20 = png.blue_in_column(column(20.5));
  EXPECT_GT(at_10, 200);
  EXPECT_NEAR(static_cast<double>(at_20) / at_10, 1.0 / 3, 0.05);
  EXPECT_EQ(png.blue_in_column(column(5.5)), 0);
}

TEST(Plot, IntervalsAndTraceWritten) {
  athar::testing::ScratchDir dir;
  IntervalChart c;
  c.title = "Estimates by stratum";
  c.x_label = "victims";
  c.rows = {{"site-0001", 400, 900, 700, 1300}, {"site-0002", 100, 150, 120, 260}};
  write_intervals(c, dir.file("strata"));
  const Pixels png(dir.file("strata.png"));
  ASSERT_TRUE(png.ok());
  // The first row's interval line crosses the middle of its band (y ≈ 147) in red.
  const double left = 160, right = 770, scale = (right - left) / (1300 * 1.05);
  const auto [r, g, b] = png.at(static_cast<int>(left + 1000 * scale), 147);
  EXPECT_GT(r, 150);
  EXPECT_LT(g, 120);
  Trace t;
  t.title = "Trace";
  t.y_label = "total";
  t.chains = {{1, 2, 3, 2}, {2, 3, 2, 1}};
  write_trace(t, dir.file("trace"));
  EXPECT_GT(slurp(dir.file("trace.png")).size(), 1000u);
  EXPECT_THROW(write_trace(Trace{}, dir.file("empty")), core::InputError);
  EXPECT_THROW(write_histogram(Histogram{}, dir.file("x")), core::InputError);
  EXPECT_THROW(write_trace(t, dir.file("no-such-folder/trace")), core::Unavailable);
}

// Arabic labels (a mixed Arabic and Latin one here) are laid out and drawn: ink where the
// label goes.
TEST(Plot, ArabicLabelsAreDrawn) {
  athar::testing::ScratchDir dir;
  IntervalChart c;
  c.title = "تقديرات حسب الموقع";
  c.x_label = "victims";
  c.rows = {{"القطيفة al-Qutayfah", 400, 900, 700, 1300}};
  write_intervals(c, dir.file("arabic"));
  const Pixels png(dir.file("arabic.png"));
  ASSERT_TRUE(png.ok());
  int dark = 0;
  for (int x = 0; x < 200; ++x) {
    for (int y = 230; y < 270; ++y) {
      const auto [r, g, b] = png.at(x, y);
      if (r < 100 && g < 100 && b < 100) ++dark;
    }
  }
  EXPECT_GT(dark, 50);
}

}  // namespace
}  // namespace athar::plot
