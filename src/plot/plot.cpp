#include "plot/plot.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "core/error.h"
#include "plot/fonts.h"

namespace athar::plot {

namespace {

constexpr double kWidth = 800, kHeight = 500;
constexpr double kLeft = 80, kRight = 30, kTop = 50, kBottom = 60;

struct Color {
  double r, g, b;
};
constexpr Color kInk{0.1, 0.1, 0.1}, kGrid{0.88, 0.88, 0.88}, kBar{0.35, 0.55, 0.75},
    kAccent{0.8, 0.25, 0.15}, kMuted{0.75, 0.75, 0.75};
const Color kChainColors[] = {{0.2, 0.4, 0.7}, {0.85, 0.45, 0.1}, {0.2, 0.6, 0.3}, {0.6, 0.3, 0.6}};

void set(cairo_t* cr, Color c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

std::string format_number(double v) {
  char buffer[32];
  if (std::fabs(v) >= 1e6 || (std::fabs(v) < 1e-3 && v != 0)) {
    std::snprintf(buffer, sizeof buffer, "%.3g", v);
    return buffer;
  }
  std::snprintf(buffer, sizeof buffer, "%.6g", v);
  // Thousands separated by commas, as the reports write counts; built afresh (inserting into
  // the string draws a false -Wrestrict from GCC 12 at -O3).
  const std::string digits = buffer;
  const size_t start = digits[0] == '-' ? 1 : 0;
  const size_t end = std::min(digits.find('.'), digits.size());
  std::string out = digits.substr(0, start);
  for (size_t i = start; i < end; ++i) {
    if (i > start && (end - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  out.append(digits, end, std::string::npos);
  return out;
}

enum class Anchor { kStart, kMiddle, kEnd };
// Text laid out by Pango, which shapes Arabic and orders mixed Arabic and Latin runs; y is the
// baseline. Returns the width drawn (or that would be drawn, when `draw` is false).
double text(cairo_t* cr, double x, double y, const std::string& s, double size, Anchor anchor,
            bool bold = false, bool draw = true) {
  PangoLayout* layout = pango_cairo_create_layout(cr);
  PangoFontDescription* font =
      pango_font_description_from_string(bold ? "DejaVu Sans Bold" : "DejaVu Sans");
  pango_font_description_set_absolute_size(font, size * PANGO_SCALE);
  pango_layout_set_font_description(layout, font);
  pango_layout_set_text(layout, s.c_str(), -1);
  int width = 0, height = 0;
  pango_layout_get_pixel_size(layout, &width, &height);
  const double baseline = pango_layout_get_baseline(layout) / static_cast<double>(PANGO_SCALE);
  const double shift = anchor == Anchor::kStart    ? 0
                       : anchor == Anchor::kMiddle ? width / 2.0
                                                   : static_cast<double>(width);
  if (draw) {
    cairo_move_to(cr, x - shift, y - baseline);
    pango_cairo_show_layout(cr, layout);
  }
  pango_font_description_free(font);
  g_object_unref(layout);
  return width;
}

// A linear scale from data to page coordinates.
struct Scale {
  double from_low, from_high, to_low, to_high;
  double operator()(double v) const {
    if (from_high == from_low) return (to_low + to_high) / 2;
    return to_low + (v - from_low) / (from_high - from_low) * (to_high - to_low);
  }
};

// The title, smaller when it would not fit the width (model names can be long).
void title(cairo_t* cr, const std::string& t) {
  set(cr, kInk);
  const double width = text(cr, 0, 0, t, 16, Anchor::kStart, true, false);
  const double size = width > kWidth - 20 ? std::max(8.0, 16 * (kWidth - 20) / width) : 16;
  text(cr, kWidth / 2, 30, t, size, Anchor::kMiddle, true);
}

// Axis with ticks and grid lines: along x at the bottom, or along y at the left.
void x_axis(cairo_t* cr, const Scale& x, const std::vector<double>& ticks,
            const std::string& label) {
  for (double t : ticks) {
    const double px = x(t);
    set(cr, kGrid);
    cairo_move_to(cr, px, kTop);
    cairo_line_to(cr, px, kHeight - kBottom);
    cairo_stroke(cr);
    set(cr, kInk);
    text(cr, px, kHeight - kBottom + 18, format_number(t), 11, Anchor::kMiddle);
  }
  set(cr, kInk);
  cairo_move_to(cr, kLeft, kHeight - kBottom);
  cairo_line_to(cr, kWidth - kRight, kHeight - kBottom);
  cairo_stroke(cr);
  text(cr, (kLeft + kWidth - kRight) / 2, kHeight - 15, label, 12, Anchor::kMiddle);
}

void y_axis(cairo_t* cr, const Scale& y, const std::vector<double>& ticks,
            const std::string& label) {
  for (double t : ticks) {
    const double py = y(t);
    set(cr, kGrid);
    cairo_move_to(cr, kLeft, py);
    cairo_line_to(cr, kWidth - kRight, py);
    cairo_stroke(cr);
    set(cr, kInk);
    text(cr, kLeft - 6, py + 4, format_number(t), 11, Anchor::kEnd);
  }
  set(cr, kInk);
  cairo_move_to(cr, kLeft, kTop);
  cairo_line_to(cr, kLeft, kHeight - kBottom);
  cairo_stroke(cr);
  cairo_save(cr);
  cairo_translate(cr, 18, (kTop + kHeight - kBottom) / 2);
  cairo_rotate(cr, -M_PI / 2);
  text(cr, 0, 0, label, 12, Anchor::kMiddle);
  cairo_restore(cr);
}

void check(cairo_status_t status, const std::string& path) {
  if (status != CAIRO_STATUS_SUCCESS)
    throw core::Unavailable("cannot write " + path + ": " + cairo_status_to_string(status));
}

// Draws the chart on an SVG surface and on an image surface written as PNG.
void write_both(const std::string& base, const std::function<void(cairo_t*)>& draw) {
  const FontUse fonts;
  const auto render = [&](cairo_surface_t* surface, const std::string& path) {
    check(cairo_surface_status(surface), path);
    cairo_t* cr = cairo_create(surface);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_set_line_width(cr, 1);
    draw(cr);
    const cairo_status_t drawn = cairo_status(cr);
    cairo_destroy(cr);
    check(drawn, path);
  };
  const std::string svg = base + ".svg", png = base + ".png";
  cairo_surface_t* vector = cairo_svg_surface_create(svg.c_str(), kWidth, kHeight);
  render(vector, svg);
  cairo_surface_finish(vector);
  const cairo_status_t svg_status = cairo_surface_status(vector);
  cairo_surface_destroy(vector);
  check(svg_status, svg);
  cairo_surface_t* image = cairo_image_surface_create(CAIRO_FORMAT_RGB24, static_cast<int>(kWidth),
                                                      static_cast<int>(kHeight));
  render(image, png);
  const cairo_status_t png_status = cairo_surface_write_to_png(image, png.c_str());
  cairo_surface_destroy(image);
  check(png_status, png);
}

std::pair<double, double> range_of(const std::vector<double>& values) {
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  return {*low, *high};
}

}  // namespace

std::vector<double> nice_ticks(double low, double high, int target) {
  if (!(high > low) || target < 1) return {low};
  const double raw = (high - low) / target;
  const double power = std::pow(10, std::floor(std::log10(raw)));
  double step = power;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * power;
    if (step >= raw) break;
  }
  std::vector<double> ticks;  // as multiples of the step, so that rounding does not drift
  for (double i = std::ceil(low / step - 1e-9); i * step <= high + step * 1e-9; ++i)
    ticks.push_back(i * step + 0.0);  // + 0.0 turns −0 into 0
  return ticks;
}

void write_histogram(const Histogram& h, const std::string& base) {
  if (h.values.empty()) throw core::InputError("plot", "values", "", "nothing to draw");
  auto [low, high] = range_of(h.values);
  for (const auto& m : h.markers) {
    low = std::min(low, m.second);
    high = std::max(high, m.second);
  }
  if (high == low) high = low + 1;
  const int bins = std::max(1, h.bins);
  const double width = (high - low) / bins;
  std::vector<double> counts(static_cast<size_t>(bins), 0);
  for (double v : h.values)
    counts[std::min(static_cast<size_t>((v - low) / width), counts.size() - 1)] += 1;
  const double most = *std::max_element(counts.begin(), counts.end());
  write_both(base, [&](cairo_t* cr) {
    const Scale x{low, high, kLeft, kWidth - kRight};
    const Scale y{0, most * 1.1, kHeight - kBottom, kTop};
    title(cr, h.title);
    x_axis(cr, x, nice_ticks(low, high, 8), h.x_label);
    y_axis(cr, y, nice_ticks(0, most * 1.1, 5), "draws / السحبات");
    set(cr, kBar);
    for (size_t b = 0; b < counts.size(); ++b) {
      const double x0 = x(low + static_cast<double>(b) * width);
      const double x1 = x(low + static_cast<double>(b + 1) * width);
      cairo_rectangle(cr, x0 + 0.5, y(counts[b]), std::max(0.5, x1 - x0 - 1), y(0) - y(counts[b]));
    }
    cairo_fill(cr);
    double label_y = kTop + 14;
    for (const auto& [label, at] : h.markers) {
      set(cr, kAccent);
      cairo_move_to(cr, x(at), kTop);
      cairo_line_to(cr, x(at), kHeight - kBottom);
      cairo_stroke(cr);
      text(cr, x(at) + 4, label_y, label + " " + format_number(std::round(at)), 11, Anchor::kStart);
      label_y += 14;
    }
  });
}

void write_trace(const Trace& t, const std::string& base) {
  std::vector<double> all;
  size_t longest = 0;
  for (const auto& c : t.chains) {
    all.insert(all.end(), c.begin(), c.end());
    longest = std::max(longest, c.size());
  }
  if (all.empty()) throw core::InputError("plot", "chains", "", "nothing to draw");
  auto [low, high] = range_of(all);
  if (high == low) high = low + 1;
  write_both(base, [&](cairo_t* cr) {
    const Scale x{0, static_cast<double>(std::max<size_t>(longest, 2) - 1), kLeft, kWidth - kRight};
    const Scale y{low, high, kHeight - kBottom, kTop};
    title(cr, t.title);
    x_axis(cr, x, nice_ticks(0, static_cast<double>(longest - 1), 8),
           "kept draw / السحبة المحفوظة");
    y_axis(cr, y, nice_ticks(low, high, 6), t.y_label);
    for (size_t c = 0; c < t.chains.size(); ++c) {
      set(cr, kChainColors[c % std::size(kChainColors)]);
      for (size_t i = 0; i < t.chains[c].size(); ++i) {
        const double px = x(static_cast<double>(i)), py = y(t.chains[c][i]);
        if (i == 0)
          cairo_move_to(cr, px, py);
        else
          cairo_line_to(cr, px, py);
      }
      cairo_stroke(cr);
      text(cr, kWidth - kRight - 4, kTop + 14 + 14 * static_cast<double>(c),
           "chain " + std::to_string(c + 1) + " / السلسلة " + std::to_string(c + 1), 11,
           Anchor::kEnd);
    }
  });
}

void write_intervals(const IntervalChart& c, const std::string& base) {
  if (c.rows.empty()) throw core::InputError("plot", "rows", "", "nothing to draw");
  double high = 0;
  for (const auto& r : c.rows) high = std::max({high, r.high, r.estimate, r.documented});
  if (high <= 0) high = 1;
  write_both(base, [&](cairo_t* cr) {
    // Labels take the left margin's place: the axis starts right of the longest.
    double longest = 0;
    for (const auto& r : c.rows)
      longest = std::max(longest, text(cr, 0, 0, r.label, 11, Anchor::kStart, false, false));
    const double left = std::clamp(longest + 20, kLeft + 80, kWidth / 2);
    const Scale x{0, high * 1.05, left, kWidth - kRight};
    const double band = (kHeight - kTop - kBottom) / static_cast<double>(c.rows.size());
    title(cr, c.title);
    for (double t : nice_ticks(0, high * 1.05, 8)) {
      set(cr, kGrid);
      cairo_move_to(cr, x(t), kTop);
      cairo_line_to(cr, x(t), kHeight - kBottom);
      cairo_stroke(cr);
      set(cr, kInk);
      text(cr, x(t), kHeight - kBottom + 18, format_number(t), 11, Anchor::kMiddle);
    }
    set(cr, kInk);
    text(cr, (left + kWidth - kRight) / 2, kHeight - 15, c.x_label, 12, Anchor::kMiddle);
    for (size_t i = 0; i < c.rows.size(); ++i) {
      const IntervalRow& r = c.rows[i];
      const double mid = kTop + band * (static_cast<double>(i) + 0.5);
      const double bar = std::min(18.0, band * 0.5);
      set(cr, kMuted);
      cairo_rectangle(cr, x(0), mid - bar / 2, x(r.documented) - x(0), bar);
      cairo_fill(cr);
      set(cr, kAccent);
      cairo_set_line_width(cr, 2);
      cairo_move_to(cr, x(r.low), mid);
      cairo_line_to(cr, x(r.high), mid);
      for (double end : {r.low, r.high}) {
        cairo_move_to(cr, x(end), mid - bar / 2);
        cairo_line_to(cr, x(end), mid + bar / 2);
      }
      cairo_stroke(cr);
      cairo_set_line_width(cr, 1);
      cairo_arc(cr, x(r.estimate), mid, 4, 0, 2 * M_PI);
      cairo_fill(cr);
      set(cr, kInk);
      text(cr, left - 8, mid + 4, r.label, 11, Anchor::kEnd);
    }
    text(cr, kWidth - kRight, kTop - 6,
         "grey: documented, red: estimate and 95% interval / رمادي: الموثَّقون، أحمر: التقدير وفترة "
         "٩٥٪",
         10, Anchor::kEnd);
  });
}

}  // namespace athar::plot
