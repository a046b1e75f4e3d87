#include "core/csv.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <ostream>

#include "core/error.h"
#include "core/text.h"

namespace athar::core {

namespace {
constexpr size_t kBufferSize = 1 << 20;
}

CsvReader::CsvReader(const std::string& path, char delimiter)
    : path_(path), name_(path), delimiter_(delimiter), buffer_(new char[kBufferSize]) {
  file_ = std::fopen(path.c_str(), "rb");
  // fopen opens a folder too; reading it would then fail with a bare I/O error.
  if (!file_ || std::filesystem::is_directory(path)) throw_cannot_open(path, "CSV file");
  if (fill() && buffer_len_ >= 3 && std::memcmp(buffer_.get(), "\xEF\xBB\xBF", 3) == 0) {
    buffer_pos_ = 3;
  }
  if (buffer_len_ >= 2 && (std::memcmp(buffer_.get(), "\xFF\xFE", 2) == 0 ||
                           std::memcmp(buffer_.get(), "\xFE\xFF", 2) == 0)) {
    throw InputError(name_, "", "UTF-16",
                     "the file is UTF-16 (Excel's \"Unicode text\"); save it as CSV UTF-8");
  }
  // Arabic text in Windows-1256 is mostly bytes 0xC1..0xFE that are not valid UTF-8: named in
  // the error a bad row gets, so that the user knows what to convert from.
  const std::string_view start(buffer_.get(), buffer_len_);
  const size_t invalid = find_invalid_utf8(start);
  if (invalid != std::string_view::npos && invalid + 4 < start.size()) {
    size_t high = 0, arabic_range = 0;
    for (unsigned char b : start.substr(0, 65536)) {
      high += b >= 0x80;
      arabic_range += b >= 0xC1 && b <= 0xFE;
    }
    if (high > 0 && arabic_range * 10 >= high * 8) encoding_guess_ = "Windows-1256";
  }
}

char CsvReader::sniff_delimiter(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (!file) return ',';
  char line[65536];
  const size_t n = std::fread(line, 1, sizeof line, file);
  std::fclose(file);
  size_t commas = 0, semicolons = 0, tabs = 0;
  bool quoted = false;
  for (size_t i = 0; i < n; ++i) {
    const char c = line[i];
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n' || c == '\r') break;
    commas += c == ',';
    semicolons += c == ';';
    tabs += c == '\t';
  }
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas && tabs > semicolons) return '\t';
  return ',';
}

CsvReader::~CsvReader() {
  if (file_) std::fclose(file_);
}

bool CsvReader::fill() {
  if (eof_) return false;
  bytes_before_buffer_ += buffer_len_;
  buffer_len_ = std::fread(buffer_.get(), 1, kBufferSize, file_);
  buffer_pos_ = 0;
  if (buffer_len_ == 0) {
    if (std::ferror(file_)) throw Unavailable("cannot read " + path_ + ": " + std::strerror(errno));
    eof_ = true;
    return false;
  }
  return true;
}

std::string CsvReader::location() const { return name_ + " row " + std::to_string(row_); }

std::string CsvReader::column_name(size_t index) const {
  if (index < header_.size()) return header_[index];
  return "column " + std::to_string(index + 1);
}

void CsvReader::set_header(const std::vector<std::string_view>& names) {
  header_.assign(names.begin(), names.end());
}

void CsvReader::require_unique_columns(const std::vector<std::string_view>& names) const {
  for (size_t i = 0; i < names.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (names[i] == names[j] && !names[i].empty()) {
        throw InputError(name_ + " row 1 (header)", std::string(names[i]), std::string(names[i]),
                         "the column appears twice (columns " + std::to_string(j + 1) + " and " +
                             std::to_string(i + 1) + "): each column once");
      }
    }
  }
}

bool CsvReader::next(std::vector<std::string_view>& fields) {
  size_t count = 0;
  auto field = [&]() -> std::string& {
    if (count == field_storage_.size()) field_storage_.emplace_back();
    return field_storage_[count];
  };
  while (true) {
    // Start of a record.
    if (buffer_pos_ == buffer_len_ && !fill()) return false;
    ++row_;
    count = 0;
    field().clear();
    bool in_quotes = false, after_quote = false, any_content = false;
    while (true) {
      if (buffer_pos_ == buffer_len_ && !fill()) {
        if (in_quotes) {
          throw InputError(location(), column_name(count), printable(field().substr(0, 40)),
                           "quoted field is not closed before the end of the file");
        }
        break;
      }
      const char c = buffer_[buffer_pos_++];
      if (in_quotes) {
        if (c == '"') {
          if (buffer_pos_ == buffer_len_) fill();
          if (buffer_pos_ < buffer_len_ && buffer_[buffer_pos_] == '"') {
            field().push_back('"');
            ++buffer_pos_;
          } else {
            in_quotes = false;
            after_quote = true;
          }
        } else {
          field().push_back(c);
        }
        continue;
      }
      if (c == delimiter_) {
        any_content = true;
        ++count;
        field().clear();
        after_quote = false;
        continue;
      }
      if (c == '\n') break;
      if (c == '\r') continue;
      if (after_quote) {
        // The rest of the line goes with the bad record, so that reading can go on after it.
        while ((buffer_pos_ < buffer_len_ || fill()) && buffer_[buffer_pos_++] != '\n') {
        }
        throw InputError(location(), column_name(count), printable(field().substr(0, 40)),
                         "text after the closing quote of a quoted field");
      }
      if (c == '"' && field().empty()) {
        in_quotes = true;
        any_content = true;
        continue;
      }
      any_content = true;
      field().push_back(c);
    }
    if (!any_content && field().empty()) {
      if (eof_ && buffer_pos_ == buffer_len_) return false;
      --row_;  // a blank line is not a record
      continue;
    }
    ++count;
    fields.resize(count);
    for (size_t i = 0; i < count; ++i) {
      const std::string& f = field_storage_[i];
      if (find_invalid_utf8(f) != std::string_view::npos) {
        throw InputError(location(), column_name(i), printable(f.substr(0, 60)),
                         encoding_guess_.empty()
                             ? "not valid UTF-8 (save the file as UTF-8; Windows-1256 and other "
                               "legacy encodings are not read)"
                             : "not valid UTF-8: the file looks like " + encoding_guess_ +
                                   " (Arabic Windows); save it as CSV UTF-8 (in Excel: Save "
                                   "As, CSV UTF-8), or convert it: iconv -f CP1256 -t UTF-8");
      }
      fields[i] = f;
    }
    return true;
  }
}

namespace {
// A plain decimal number (-12.5, +3, 1e-3) is data, not a formula, in every spreadsheet.
bool is_plain_number(std::string_view v) {
  size_t i = (v.size() > 1 && (v[0] == '-' || v[0] == '+')) ? 1 : 0;
  bool digits = false, dot = false;
  for (; i < v.size(); ++i) {
    if (v[i] >= '0' && v[i] <= '9') {
      digits = true;
    } else if (v[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits;
}
}  // namespace

void write_csv_cell(std::ostream& out, std::string_view value) {
  const bool formula = !value.empty() &&
                       (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@' ||
                        value[0] == '\t' || value[0] == '\r') &&
                       !is_plain_number(value);
  if (!formula && value.find_first_of(",\"\n\r") == std::string_view::npos) {
    out << value;
    return;
  }
  out << '"';
  if (formula) out << '\'';
  for (char c : value) {
    if (c == '"') out << '"';
    out << c;
  }
  out << '"';
}

}  // namespace athar::core
