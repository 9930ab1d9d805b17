// A thin libpq handle for a history kept on a PostgreSQL server: queries with parameters,
// results read by row and column, and errors that name the server (never its password)
// and say what to do. As with the SQLite handle, the first error sticks: later queries do
// nothing and the caller checks `error()` once, at the end of a unit of work.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.h"

struct pg_conn;
struct pg_result;

namespace flowbench::history {

// The connection string with its password (in the user part or a password= parameter)
// replaced by "***": what every message and listing shows.
std::string without_password(const std::string& url);

// One parameter of a query: text, or the raw bytes of float64s (a bytea).
struct PgParam {
  std::string value;
  bool bytes = false;
  PgParam(std::string text) : value(std::move(text)) {}  // NOLINT: a query's parameters read as values
  PgParam(const char* text) : value(text) {}             // NOLINT
  PgParam(std::int64_t number) : value(std::to_string(number)) {}  // NOLINT
  static PgParam doubles(const std::vector<double>& values);
};

// The rows of one query; empty after an error.
class PgRows {
 public:
  explicit PgRows(pg_result* result = nullptr) : result_(result) {}
  ~PgRows();
  PgRows(PgRows&& other) noexcept : result_(other.result_) { other.result_ = nullptr; }
  PgRows(const PgRows&) = delete;
  PgRows& operator=(const PgRows&) = delete;
  PgRows& operator=(PgRows&&) = delete;

  int size() const;
  std::string text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  // A bytea column asked for in binary (PgConnection::query_binary): float64s, native order.
  std::vector<double> doubles(int row, int column) const;
  // An int8 column asked for in binary.
  std::int64_t binary_integer(int row, int column) const;

 private:
  pg_result* result_;
};

class PgConnection {
 public:
  // Connects (application_name "flowbench"). An error names the server without its password
  // and says what to do: a string that does not parse, a server that does not answer or
  // refuses (password, database).
  static Expected<std::unique_ptr<PgConnection>> open(const std::string& url);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Runs one statement; `doing` says what for, in an error.
  PgRows query(std::string_view sql, const std::vector<PgParam>& params = {}, std::string_view doing = "");
  // The same, with every column in binary (for bytea and int8 columns read in bulk).
  PgRows query_binary(std::string_view sql, std::string_view doing = "");
  void exec(std::string_view sql, std::string_view doing = "") { query(sql, {}, doing); }

  // BEGIN; COMMIT; ROLLBACK. A rollback runs even after an error (when the connection lives).
  void begin() { exec("BEGIN", "beginning a transaction"); }
  void commit() { exec("COMMIT", "committing"); }
  void rollback();

  bool failed() const { return !error_.empty(); }
  Error error() const { return Error{error_}; }
  void fail_with(std::string message);
  // True when the connection broke (the server went away or ended this session).
  bool lost() const;
  const std::string& name() const { return name_; }

 private:
  PgConnection(pg_conn* connection, std::string name, std::string password)
      : connection_(connection), name_(std::move(name)), password_(std::move(password)) {}
  PgRows run(std::string_view sql, const std::vector<PgParam>& params, int result_format, std::string_view doing);
  pg_conn* connection_;
  std::string name_;      // the connection string without its password
  std::string password_;  // to scrub from the server's messages
  std::string error_;
};

}  // namespace flowbench::history
