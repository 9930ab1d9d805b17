// A thin SQLite handle for the history database: statements, transactions, and errors
// that name the file and say what to do. The first error sticks: later calls do nothing
// and the caller checks `error()` once, at the end of a unit of work.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.h"

struct sqlite3;
struct sqlite3_stmt;

namespace flowbench::history {

class Database;

// One prepared statement. Columns and parameters count from 0.
class Statement {
 public:
  Statement(Database& db, sqlite3_stmt* statement) : db_(&db), statement_(statement) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;

  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind_blob(int index, const std::vector<double>& values);  // float64s, native order

  // Advances to the next row: true when there is one, false at the end or on an error.
  bool step();
  // Runs a statement that returns no rows, then resets it for the next binding.
  void run();
  void reset();

  std::int64_t integer(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::vector<double> blob_doubles(int column) const;
  bool is_null(int column) const;

 private:
  Database* db_;
  sqlite3_stmt* statement_;
};

class Database {
 public:
  // Opens (and, with `create`, makes) the file, waits up to `busy_ms` on a writer's lock,
  // and turns on WAL and foreign keys. An error names the file and the fix.
  static Expected<std::unique_ptr<Database>> open(const std::filesystem::path& file, bool create, int busy_ms = 15000);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Statement prepare(std::string_view sql);
  void exec(std::string_view sql);  // one or more statements without rows
  std::int64_t last_insert_id() const;
  std::int64_t changes() const;  // rows changed by the last statement

  // BEGIN IMMEDIATE (takes the write lock now, so two writers never deadlock) / COMMIT /
  // ROLLBACK. A rollback runs even after an error.
  void begin_write();
  void commit();
  void rollback();

  bool failed() const { return !error_.empty(); }
  Error error() const { return Error{error_}; }
  // Records the first error: `code` is SQLite's result code, `doing` what was being done.
  void fail(int code, std::string_view doing);
  void fail_with(std::string message);

  const std::filesystem::path& file() const { return file_; }

 private:
  Database(sqlite3* db, std::filesystem::path file) : db_(db), file_(std::move(file)) {}
  sqlite3* db_;
  std::filesystem::path file_;
  std::string error_;
};

}  // namespace flowbench::history
