// A printable document (A4 PDF) of headings, paragraphs, label/value fields and tables, laid out
// by Pango so that Arabic is shaped and a right-to-left document reads from the right: labels on
// the right of their values, a table's first column at the right edge. Used for the reports a
// family liaison or a court is handed (docs/identification.md).
//
//   plot::Document d;
//   d.title = "Identification report";
//   d.fields({{"Person", "person-000002"}, {"LR", "3.1 × 10^9"}});
//   const std::string pdf = plot::pdf_bytes(d);
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace athar::plot {

struct Document {
  bool right_to_left = false;
  std::string title, subtitle;
  // On every page's foot, with the page number: `page_format` holds "{page}" and "{pages}".
  std::string footer, page_format = "Page {page} of {pages}";
  // PDF metadata: the creation date as ISO 8601 ("" for none), so that the same content gives
  // the same bytes.
  std::string created_at, author;

  struct Block {
    enum class Kind { kHeading, kParagraph, kFields, kTable } kind = Kind::kParagraph;
    std::string text = {};
    std::vector<std::pair<std::string, std::string>> fields = {};
    std::vector<std::string> header = {};
    std::vector<std::vector<std::string>> rows = {};
    std::vector<double> column_weights = {};  // relative widths; equal when empty
  };
  std::vector<Block> blocks;

  void heading(std::string text);
  void paragraph(std::string text);
  void fields(std::vector<std::pair<std::string, std::string>> label_values);
  void table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows,
             std::vector<double> column_weights = {});
};

// Whether `text` has a right-to-left letter (Hebrew, Arabic and their presentation forms).
bool has_right_to_left_letter(std::string_view text);
// `text` embedded as left-to-right (U+202A … U+202C) unless it has a right-to-left letter: in an
// Arabic sentence "4.89 × 10⁹" and "1/(1 + 1)" then read as written, not reordered.
std::string left_to_right(std::string_view text);

// The document as PDF bytes; core::Unavailable when cairo cannot draw it.
std::string pdf_bytes(const Document& document);
// The number of A4 pages it takes.
int page_count(const Document& document);

}  // namespace athar::plot
