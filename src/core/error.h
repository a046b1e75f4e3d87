// Typed errors for the whole of Athar (after DuckDB's exception classes).
//
// Thrown where a problem is found, translated once in each shell from its neutral kind: the CLI
// maps each kind to an exit code (documented in `athar --help`), the server to an HTTP status,
// each in one table of its own.
//
//   throw athar::core::InputError("persons.csv row 12", "birth_date", "1990-02-31",
//                                 "no such day in that month");
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"

namespace athar::core {

enum class ErrorKind {
  kInternal,     // a bug
  kInput,        // bad input, named: record, field, value
  kNotFound,     // no such record, database or file
  kConflict,     // already there, or changed meanwhile
  kForbidden,    // the actor may not do this
  kCorruption,   // an integrity check failed
  kUnavailable,  // a resource cannot be used now
};

// Stable names for machines: "internal", "input", "not_found", "conflict", "forbidden",
// "corruption", "unavailable".
std::string_view kind_name(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  virtual ErrorKind kind() const { return ErrorKind::kInternal; }
  // {"error": kind name, "message": ...}; an InputError adds record, field, value and problem.
  virtual OrderedJson to_json() const;
};

// Bad input: names the record (file and row, or record id), the field and the value.
class InputError : public Error {
 public:
  InputError(std::string record, std::string field, std::string value, std::string problem);
  explicit InputError(const std::string& message) : Error(message) {}
  ErrorKind kind() const override { return ErrorKind::kInput; }
  OrderedJson to_json() const override;
  const std::string& record() const { return record_; }
  const std::string& field() const { return field_; }
  const std::string& value() const { return value_; }
  const std::string& problem() const { return problem_; }  // what is wrong, without the rest

 protected:
  // The named parts, with a message of the caller's own.
  InputError(const InputError& named, const std::string& message);

 private:
  std::string record_, field_, value_, problem_;
};

// Every problem of an input checked whole (an import: each bad row, not only the first), each
// named as an InputError is. The first is this error's own record, field, value and problem;
// the message lists them all, one a line, and to_json() adds "problems": [each one's JSON].
class InputProblems : public InputError {
 public:
  // `problems` must not be empty; `not_listed`: further problems found but not kept.
  explicit InputProblems(std::vector<InputError> problems, size_t not_listed = 0);
  const std::vector<InputError>& problems() const { return problems_; }
  size_t count() const { return problems_.size() + not_listed_; }
  OrderedJson to_json() const override;

 private:
  std::vector<InputError> problems_;
  size_t not_listed_;
};

class NotFound : public Error {
 public:
  using Error::Error;
  ErrorKind kind() const override { return ErrorKind::kNotFound; }
};

class Conflict : public Error {
 public:
  using Error::Error;
  ErrorKind kind() const override { return ErrorKind::kConflict; }
};

class Forbidden : public Error {
 public:
  using Error::Error;
  ErrorKind kind() const override { return ErrorKind::kForbidden; }
};

// An integrity check failed: stored data is not what was written.
class Corruption : public Error {
 public:
  using Error::Error;
  ErrorKind kind() const override { return ErrorKind::kCorruption; }
};

// A resource (database, file, service) cannot be used now.
class Unavailable : public Error {
 public:
  using Error::Error;
  ErrorKind kind() const override { return ErrorKind::kUnavailable; }
};

// A file that cannot be opened for reading, told apart by why: NotFound (exit 4) when it is
// not there, InputError (exit 3) for a folder or a file that is not readable, Unavailable only
// for what is left (an I/O failure). `what` names the file's role ("the frequency table").
[[noreturn]] void throw_cannot_open(const std::string& path, const std::string& what = "file");

}  // namespace athar::core
