// Streaming RFC 4180 CSV reader: UTF-8 only (a leading BOM is skipped), quoted fields with ""
// escapes and embedded newlines, LF or CRLF line ends. Memory stays flat whatever the file's
// size: fields live in buffers reused from row to row.
//
//   athar::core::CsvReader csv("persons.csv");
//   std::vector<std::string_view> row;
//   csv.next(row);                 // header
//   csv.set_header(row);           // errors now name the column
//   while (csv.next(row)) { ... csv.location() ... }   // "persons.csv row 17"
#pragma once

#include <cstdio>
#include <iosfwd>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace athar::core {

class CsvReader {
 public:
  // Throws Unavailable when the file cannot be opened, InputError when it is UTF-16 (named).
  explicit CsvReader(const std::string& path, char delimiter = ',');
  // The separator of the file's header line: ',', ';' or tab, whichever it holds most of
  // outside quotes (spreadsheets in Arabic and European locales write ';'); ',' when none.
  static char sniff_delimiter(const std::string& path);
  char delimiter() const { return delimiter_; }
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `fields` (views valid until the next call). Returns false at end
  // of file. Throws InputError naming the file, row and column for a malformed quote or a field
  // that is not valid UTF-8; the next call then reads the record after the bad one (a caller may
  // skip bad rows). Blank lines are skipped.
  bool next(std::vector<std::string_view>& fields);

  // Column names used in error messages from now on.
  void set_header(const std::vector<std::string_view>& names);
  // InputError naming the first column that appears twice (for files whose columns are fields;
  // wide allele tables repeat a marker's column on purpose).
  void require_unique_columns(const std::vector<std::string_view>& names) const;
  const std::vector<std::string>& header() const { return header_; }

  // 1-based number of the record last returned (the header is row 1) and "FILE row N".
  size_t row() const { return row_; }
  std::string location() const;
  const std::string& path() const { return path_; }
  // The name messages give the file (default: its path), e.g. the name a user uploaded it as.
  void set_name(std::string name) { name_ = std::move(name); }
  // Bytes of the file read so far (for progress against its size).
  size_t bytes_read() const { return bytes_before_buffer_ + buffer_pos_; }

 private:
  bool fill();
  std::string column_name(size_t index) const;

  std::string path_, name_;
  char delimiter_;
  std::FILE* file_ = nullptr;
  std::unique_ptr<char[]> buffer_;
  size_t buffer_pos_ = 0, buffer_len_ = 0, bytes_before_buffer_ = 0;
  bool eof_ = false;
  size_t row_ = 0;
  std::string encoding_guess_;  // a legacy encoding the start of the file looks like, if any
  std::vector<std::string> field_storage_;
  std::vector<std::string> header_;
};

// Writes one CSV cell, quoted as RFC 4180 requires. A cell that a spreadsheet would run as a
// formula (it begins with =, +, -, @, tab or CR: OWASP's CSV injection rule) is written quoted
// with a leading apostrophe, so that it shows as text; plain numbers (-12.5) are left as they
// are. Every CSV that Athar writes goes through here.
void write_csv_cell(std::ostream& out, std::string_view value);

}  // namespace athar::core
