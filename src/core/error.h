// Typed errors for the whole of Athar (after DuckDB's exception classes).
//
// Thrown where a problem is found, translated once in the shells: the CLI maps each class to an
// exit code (documented in `athar --help`), the server to an HTTP status.
//
//   throw athar::core::InputError("persons.csv row 12", "birth_date", "1990-02-31",
//                                 "no such day in that month");
#pragma once

#include <stdexcept>
#include <string>

namespace athar::core {

// Process exit codes, one per error class; 2 is CLI11's usage error.
enum class ExitCode : int {
  kOk = 0,
  kInternal = 1,
  kUsage = 2,
  kInput = 3,
  kNotFound = 4,
  kConflict = 5,
  kForbidden = 6,
  kCorruption = 7,
  kUnavailable = 8,
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  virtual ExitCode exit_code() const { return ExitCode::kInternal; }
};

// Bad input: names the record (file and row, or record id), the field and the value.
class InputError : public Error {
 public:
  InputError(std::string record, std::string field, std::string value, std::string problem);
  explicit InputError(const std::string& message) : Error(message) {}
  ExitCode exit_code() const override { return ExitCode::kInput; }
  const std::string& record() const { return record_; }
  const std::string& field() const { return field_; }
  const std::string& value() const { return value_; }
  const std::string& problem() const { return problem_; }  // what is wrong, without the rest

 private:
  std::string record_, field_, value_, problem_;
};

class NotFound : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kNotFound; }
};

class Conflict : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kConflict; }
};

class Forbidden : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kForbidden; }
};

// An integrity check failed: stored data is not what was written.
class Corruption : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kCorruption; }
};

// A resource (database, file, service) cannot be used now.
class Unavailable : public Error {
 public:
  using Error::Error;
  ExitCode exit_code() const override { return ExitCode::kUnavailable; }
};

// A file that cannot be opened for reading, told apart by why: NotFound (exit 4) when it is
// not there, InputError (exit 3) for a folder or a file that is not readable, Unavailable only
// for what is left (an I/O failure). `what` names the file's role ("the frequency table").
[[noreturn]] void throw_cannot_open(const std::string& path, const std::string& what = "file");

}  // namespace athar::core
