// Charts of estimates for reports: each written twice, as SVG (for documents, scales) and PNG
// (for messages and slides), drawn once with cairo on both surfaces, text by Pango.
//
//   plot::Histogram h{"Posterior of the total", "total victims", draws, {{"median", 10258}}};
//   plot::write_histogram(h, "out/posterior");   // out/posterior.svg and out/posterior.png
//
// Labels are laid out by Pango: Arabic is shaped and mixed Arabic and Latin labels are ordered
// as the Unicode bidirectional algorithm says.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace athar::plot {

struct Histogram {
  std::string title, x_label;
  std::vector<double> values;
  std::vector<std::pair<std::string, double>> markers;  // vertical lines: label, position
  int bins = 40;
};

// Traces of chains: each chain's draws in order, one line per chain.
struct Trace {
  std::string title, y_label;
  std::vector<std::vector<double>> chains;
};

struct IntervalRow {
  std::string label;
  double documented = 0, estimate = 0, low = 0, high = 0;
};
// Per-stratum estimates: for each row a bar from 0 to the documented count, a point at the
// estimate and a line across the interval.
struct IntervalChart {
  std::string title, x_label;
  std::vector<IntervalRow> rows;
};

// Each writes `base`.svg and `base`.png; core::Unavailable when a file cannot be written.
void write_histogram(const Histogram& h, const std::string& base);
void write_trace(const Trace& t, const std::string& base);
void write_intervals(const IntervalChart& c, const std::string& base);

// "Nice" axis ticks (1, 2 or 5 times a power of ten) covering [low, high], about `target`.
std::vector<double> nice_ticks(double low, double high, int target);

}  // namespace athar::plot
