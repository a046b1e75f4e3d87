#include "plot/document.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <numeric>

#include "core/error.h"
#include "core/unicode.h"
#include "plot/fonts.h"

namespace athar::plot {

namespace {
std::mutex& drawing() {
  static std::mutex one_at_a_time;
  return one_at_a_time;
}
// At exit, when nothing draws any more: resetting cairo's caches earlier races with Pango's own
// font loading (cairo asserts that no font is alive when they are reset).
void release_font_caches() {
  const std::lock_guard<std::mutex> lock(drawing());
  pango_cairo_font_map_set_default(nullptr);
  cairo_debug_reset_static_data();
  FcFini();
}
}  // namespace

FontUse::FontUse() : lock_(drawing()) {
  static std::once_flag registered;
  std::call_once(registered, [] { std::atexit(release_font_caches); });
}

// The font map is per thread: a server thread lets go of its own after each drawing, so that
// none is alive at exit.
FontUse::~FontUse() { pango_cairo_font_map_set_default(nullptr); }

bool has_right_to_left_letter(std::string_view text) {
  for (char32_t c : core::to_utf32(text)) {
    if ((c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) ||
        (c >= 0xFE70 && c <= 0xFEFC))
      return true;
  }
  return false;
}

std::string left_to_right(std::string_view text) {
  if (text.empty() || has_right_to_left_letter(text)) return std::string(text);
  return "\u202A" + std::string(text) + "\u202C";
}

void Document::heading(std::string text) {
  blocks.push_back({Block::Kind::kHeading, std::move(text)});
}
void Document::paragraph(std::string text) {
  blocks.push_back({Block::Kind::kParagraph, std::move(text)});
}
void Document::fields(std::vector<std::pair<std::string, std::string>> label_values) {
  Block b{Block::Kind::kFields};
  b.fields = std::move(label_values);
  blocks.push_back(std::move(b));
}
void Document::table(std::vector<std::string> header, std::vector<std::vector<std::string>> rows,
                     std::vector<double> column_weights) {
  Block b{Block::Kind::kTable};
  b.header = std::move(header);
  b.rows = std::move(rows);
  b.column_weights = std::move(column_weights);
  blocks.push_back(std::move(b));
}

namespace {

// A4 in points, and the margins.
constexpr double kPageWidth = 595.28, kPageHeight = 841.89;
constexpr double kMargin = 50, kFootHeight = 30;
constexpr double kBodyWidth = kPageWidth - 2 * kMargin;
constexpr double kBodyBottom = kPageHeight - kMargin - kFootHeight;
constexpr double kCellPadding = 3;

struct Style {
  double size;
  bool bold;
  double gray;  // 0 black
};
constexpr Style kTitle{16, true, 0}, kSubtitle{9.5, false, 0.35}, kHeading{12, true, 0.1},
    kBody{9.5, false, 0}, kLabel{9.5, true, 0.3}, kFoot{8, false, 0.4};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

// Lays out and, on the page, draws the document's blocks; counts the pages it takes.
class Typesetter {
 public:
  Typesetter(cairo_t* cr, const Document& d, int pages) : cr_(cr), doc_(d), pages_(pages) {
    PangoContext* context = pango_cairo_create_context(cr_);
    pango_context_set_base_dir(context,
                               d.right_to_left ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR);
    context_ = context;
  }
  ~Typesetter() { g_object_unref(context_); }
  Typesetter(const Typesetter&) = delete;
  Typesetter& operator=(const Typesetter&) = delete;

  int run() {
    y_ = kMargin;
    if (!doc_.title.empty()) {
      y_ += draw_text(doc_.title, kTitle, 0, kBodyWidth, y_) + 4;
    }
    if (!doc_.subtitle.empty()) y_ += draw_text(doc_.subtitle, kSubtitle, 0, kBodyWidth, y_) + 6;
    rule(y_);
    y_ += 8;
    for (const auto& block : doc_.blocks) {
      switch (block.kind) {
        case Document::Block::Kind::kHeading:
          // Kept with what follows it.
          if (y_ + measure(block.text, kHeading, kBodyWidth) + 40 > kBodyBottom) new_page();
          y_ += 8;
          y_ += draw_text(block.text, kHeading, 0, kBodyWidth, y_) + 4;
          break;
        case Document::Block::Kind::kParagraph:
          paragraph(block.text);
          break;
        case Document::Block::Kind::kFields:
          for (const auto& [label, value] : block.fields) {
            row({label, value}, {0.32, 0.68}, {kLabel, kBody}, false);
          }
          y_ += 4;
          break;
        case Document::Block::Kind::kTable: {
          std::vector<double> weights = block.column_weights;
          weights.resize(block.header.size(), 1.0);
          std::vector<Style> header_styles(block.header.size(), kLabel);
          std::vector<Style> body_styles(block.header.size(), kBody);
          row(block.header, weights, header_styles, true);
          for (const auto& cells : block.rows) {
            if (y_ + row_height(cells, weights, body_styles) > kBodyBottom) {
              new_page();
              row(block.header, weights, header_styles, true);
            }
            row(cells, weights, body_styles, false);
          }
          y_ += 6;
          break;
        }
      }
    }
    foot();
    return page_;
  }

 private:
  PangoLayout* layout(const std::string& text, const Style& style, double width) const {
    PangoLayout* l = pango_layout_new(context_);
    PangoFontDescription* font =
        pango_font_description_from_string(style.bold ? "DejaVu Sans Bold" : "DejaVu Sans");
    pango_font_description_set_absolute_size(font, style.size * PANGO_SCALE);
    pango_layout_set_font_description(l, font);
    pango_font_description_free(font);
    // The document's direction, not each paragraph's first letter, sets where lines start: an
    // Arabic report's value that begins with an id still sits at the right.
    pango_layout_set_auto_dir(l, FALSE);
    pango_layout_set_width(l, static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, doc_.right_to_left ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    // In a right-to-left document a value without Arabic letters (a number, an id, a formula)
    // keeps its own order.
    const std::string shown = doc_.right_to_left ? left_to_right(text) : text;
    pango_layout_set_text(l, shown.c_str(), -1);
    return l;
  }

  double measure(const std::string& text, const Style& style, double width) const {
    PangoLayout* l = layout(text, style, width);
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    g_object_unref(l);
    return h / static_cast<double>(PANGO_SCALE);
  }

  // Draws `text` in the column that starts `offset` from the start side and is `width` wide;
  // returns its height.
  double draw_text(const std::string& text, const Style& style, double offset, double width,
                   double y) const {
    PangoLayout* l = layout(text, style, width);
    int w = 0, h = 0;
    pango_layout_get_size(l, &w, &h);
    const double x = doc_.right_to_left ? kPageWidth - kMargin - offset - width : kMargin + offset;
    cairo_set_source_rgb(cr_, style.gray, style.gray, style.gray);
    cairo_move_to(cr_, x, y);
    pango_cairo_update_context(cr_, context_);
    pango_cairo_show_layout(cr_, l);
    g_object_unref(l);
    return h / static_cast<double>(PANGO_SCALE);
  }

  void paragraph(const std::string& text) {
    // Long paragraphs break between lines, not inside one.
    PangoLayout* l = layout(text, kBody, kBodyWidth);
    PangoLayoutIter* it = pango_layout_get_iter(l);
    const double x = kMargin;
    double top = y_;
    double first_line_y = -1;
    do {
      PangoRectangle logical;
      pango_layout_iter_get_line_extents(it, nullptr, &logical);
      const double line_y = logical.y / static_cast<double>(PANGO_SCALE);
      const double line_h = logical.height / static_cast<double>(PANGO_SCALE);
      if (first_line_y < 0) first_line_y = line_y;
      if (top + (line_y - first_line_y) + line_h > kBodyBottom) {
        new_page();
        top = y_;
        first_line_y = line_y;
      }
      const int baseline = pango_layout_iter_get_baseline(it);
      PangoLayoutLine* line = pango_layout_iter_get_line_readonly(it);
      cairo_set_source_rgb(cr_, kBody.gray, kBody.gray, kBody.gray);
      cairo_move_to(cr_, x + logical.x / static_cast<double>(PANGO_SCALE),
                    top + (baseline / static_cast<double>(PANGO_SCALE) - first_line_y));
      pango_cairo_show_layout_line(cr_, line);
      y_ = top + (line_y - first_line_y) + line_h;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    g_object_unref(l);
    y_ += 5;
  }

  std::vector<double> widths(const std::vector<double>& weights) const {
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    std::vector<double> out;
    for (double w : weights) out.push_back(kBodyWidth * w / total);
    return out;
  }

  double row_height(const std::vector<std::string>& cells, const std::vector<double>& weights,
                    const std::vector<Style>& styles) const {
    const std::vector<double> w = widths(weights);
    double height = 0;
    for (size_t c = 0; c < cells.size() && c < w.size(); ++c)
      height = std::max(height, measure(cells[c], styles[c], w[c] - 2 * kCellPadding));
    return height + 2 * kCellPadding;
  }

  void row(const std::vector<std::string>& cells, const std::vector<double>& weights,
           const std::vector<Style>& styles, bool header) {
    const double height = row_height(cells, weights, styles);
    if (y_ + height > kBodyBottom) new_page();
    const std::vector<double> w = widths(weights);
    if (header) {
      cairo_set_source_rgb(cr_, 0.93, 0.93, 0.93);
      cairo_rectangle(cr_, kMargin, y_, kBodyWidth, height);
      cairo_fill(cr_);
    }
    double offset = 0;
    for (size_t c = 0; c < cells.size() && c < w.size(); ++c) {
      draw_text(cells[c], styles[c], offset + kCellPadding, w[c] - 2 * kCellPadding,
                y_ + kCellPadding);
      offset += w[c];
    }
    y_ += height;
    cairo_set_source_rgb(cr_, 0.85, 0.85, 0.85);
    cairo_set_line_width(cr_, 0.5);
    cairo_move_to(cr_, kMargin, y_);
    cairo_line_to(cr_, kMargin + kBodyWidth, y_);
    cairo_stroke(cr_);
  }

  void rule(double y) const {
    cairo_set_source_rgb(cr_, 0.6, 0.6, 0.6);
    cairo_set_line_width(cr_, 0.8);
    cairo_move_to(cr_, kMargin, y);
    cairo_line_to(cr_, kMargin + kBodyWidth, y);
    cairo_stroke(cr_);
  }

  void foot() const {
    const double y = kPageHeight - kMargin - kFootHeight + 10;
    rule(y - 4);
    std::string page = replace_all(doc_.page_format, "{page}", std::to_string(page_));
    page = replace_all(page, "{pages}", std::to_string(std::max(pages_, page_)));
    draw_text(doc_.footer, kFoot, 0, kBodyWidth * 0.78, y);
    draw_text(page, kFoot, kBodyWidth * 0.8, kBodyWidth * 0.2, y);
  }

  void new_page() {
    foot();
    cairo_show_page(cr_);
    ++page_;
    y_ = kMargin;
  }

  cairo_t* cr_;
  const Document& doc_;
  PangoContext* context_ = nullptr;
  int pages_ = 0, page_ = 1;
  double y_ = kMargin;
};

cairo_status_t append_bytes(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

// Typesets onto a PDF surface writing into `out`; the number of pages.
int typeset(const Document& d, int pages, std::string& out) {
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(append_bytes, &out, kPageWidth, kPageHeight);
  if (!d.title.empty())
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, d.title.c_str());
  if (!d.author.empty())
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, d.author.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Athar");
  if (!d.created_at.empty()) {
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, d.created_at.c_str());
  }
  cairo_t* cr = cairo_create(surface);
  int used = 0;
  {
    Typesetter typesetter(cr, d, pages);
    used = typesetter.run();
  }
  const cairo_status_t drawn = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  const cairo_status_t written = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  for (cairo_status_t s : {drawn, written}) {
    if (s != CAIRO_STATUS_SUCCESS)
      throw core::Unavailable(std::string("cannot draw the document: ") +
                              cairo_status_to_string(s));
  }
  return used;
}

}  // namespace

int page_count(const Document& document) {
  const FontUse fonts;
  std::string discarded;
  return typeset(document, 0, discarded);
}

std::string pdf_bytes(const Document& document) {
  const FontUse fonts;
  std::string first, out;
  // Twice: the first pass counts the pages that the foot of each names.
  const int pages = typeset(document, 0, first);
  typeset(document, pages, out);
  return out;
}

}  // namespace athar::plot
