#include "history/sqlite.h"

#include <sys/statvfs.h>

#include <cstring>

#include <sqlite3.h>

namespace flowbench::history {
namespace fs = std::filesystem;

namespace {

// True when the file system holding `file` has no space left (SQLite reports a full disk as a
// disk I/O error when it cannot grow its WAL index or journal, not only as SQLITE_FULL).
bool no_space_left(const fs::path& file) {
  struct statvfs stats {};
  const fs::path folder = file.has_parent_path() ? file.parent_path() : fs::path(".");
  return ::statvfs(folder.c_str(), &stats) == 0 && stats.f_bavail * stats.f_frsize < 64 * 1024;
}

// What to do about each kind of failure, in the user's terms.
std::string explain(int code, const fs::path& file, std::string_view doing, const char* sqlite_says) {
  const std::string where = file.string() + ": ";
  const std::string says = sqlite_says ? sqlite_says : sqlite3_errstr(code);
  if ((code & 0xff) == SQLITE_IOERR && no_space_left(file)) code = SQLITE_FULL;
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return where + "the history database is locked by another process (" + std::string(doing) +
             "); fix: wait for the other flowbench to finish and run again";
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return where + "not a flowbench history database, or a corrupt one (SQLite: " + says + ", " +
             std::string(doing) + "); fix: move it aside (`flowbench record` then starts a new one) or restore it "
             "from the copy your CI keeps";
    case SQLITE_FULL:
      return where + "the file system is full: no space left on the device (" + std::string(doing) +
             "); the database is as it was; fix: free space, or record into a database on another file system with --db";
    case SQLITE_CANTOPEN:
      return where + "cannot open the history database (" + says + "); fix: check that its folder exists and is "
             "writable, or name another file with --db";
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return where + "the history database cannot be written (" + says + "); fix: make it writable, or name "
             "another file with --db";
    default:
      return where + "SQLite failed " + std::string(doing) + ": " + says + "; fix: check the file, or name another "
             "with --db";
  }
}

}  // namespace

Statement::~Statement() { sqlite3_finalize(statement_); }

Statement::Statement(Statement&& other) noexcept : db_(other.db_), statement_(other.statement_) {
  other.statement_ = nullptr;
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (statement_) sqlite3_bind_int64(statement_, index + 1, value);
  return *this;
}

Statement& Statement::bind(int index, double value) {
  if (statement_) sqlite3_bind_double(statement_, index + 1, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  if (statement_) sqlite3_bind_text(statement_, index + 1, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_blob(int index, const std::vector<double>& values) {
  if (statement_) {
    sqlite3_bind_blob(statement_, index + 1, values.data(), static_cast<int>(values.size() * sizeof(double)),
                      SQLITE_TRANSIENT);
  }
  return *this;
}

bool Statement::step() {
  if (!statement_ || db_->failed()) return false;
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code != SQLITE_DONE) db_->fail(code, "reading or writing a row");
  return false;
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  if (!statement_) return;
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::int64_t Statement::integer(int column) const { return sqlite3_column_int64(statement_, column); }
double Statement::real(int column) const { return sqlite3_column_double(statement_, column); }
bool Statement::is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

std::string Statement::text(int column) const {
  const unsigned char* text = sqlite3_column_text(statement_, column);
  return text ? std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(statement_, column)) : "";
}

std::vector<double> Statement::blob_doubles(int column) const {
  const void* blob = sqlite3_column_blob(statement_, column);
  const auto bytes = static_cast<std::size_t>(sqlite3_column_bytes(statement_, column));
  std::vector<double> values(bytes / sizeof(double));
  if (blob && !values.empty()) std::memcpy(values.data(), blob, values.size() * sizeof(double));
  if (bytes % sizeof(double) != 0) db_->fail(SQLITE_CORRUPT, "reading samples whose size is not a whole number");
  return values;
}

Expected<std::unique_ptr<Database>> Database::open(const fs::path& file, bool create, int busy_ms) {
  if (!create && !fs::exists(file)) {
    return Error{file.string() + ": no history database here; fix: record one first (`flowbench record DATA --db " +
                 file.string() + "`), or name the right file with --db"};
  }
  sqlite3* handle = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  const int code = sqlite3_open_v2(file.c_str(), &handle, flags, nullptr);
  if (code != SQLITE_OK) {
    std::string message = explain(code, file, "opening it", handle ? sqlite3_errmsg(handle) : nullptr);
    sqlite3_close(handle);
    return Error{message};
  }
  std::unique_ptr<Database> db(new Database(handle, file));
  sqlite3_busy_timeout(handle, busy_ms);
  sqlite3_extended_result_codes(handle, 1);
  // WAL: readers never block the one writer; several `record`s queue on the write lock.
  db->exec("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;");
  if (db->failed()) return db->error();
  return db;
}

Database::~Database() { sqlite3_close(db_); }

Statement Database::prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  if (!failed()) {
    const int code = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
    if (code != SQLITE_OK) fail(code, "preparing a query");
  }
  return Statement(*this, statement);
}

void Database::exec(std::string_view sql) {
  if (failed()) return;
  const std::string text(sql);
  const int code = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) fail(code, "running " + text.substr(0, text.find_first_of("(;")));
}

std::int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }
std::int64_t Database::changes() const { return sqlite3_changes64(db_); }

void Database::begin_write() { exec("BEGIN IMMEDIATE"); }
void Database::commit() { exec("COMMIT"); }

void Database::rollback() {
  if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Database::fail(int code, std::string_view doing) {
  if (error_.empty()) error_ = explain(code, file_, doing, sqlite3_errmsg(db_));
}

void Database::fail_with(std::string message) {
  if (error_.empty()) error_ = std::move(message);
}

}  // namespace flowbench::history
