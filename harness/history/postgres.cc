#include "history/postgres.h"

#include <endian.h>

#include <cstring>

#include <libpq-fe.h>

namespace flowbench::history {

namespace {

// Where the authority part of a URL ("user:password@host:port") ends.
std::size_t authority_end(const std::string& url, std::size_t start) {
  const std::size_t end = url.find_first_of("/?#", start);
  return end == std::string::npos ? url.size() : end;
}

// The first line of a libpq message, without "FATAL:  "/"ERROR:  " and with `secret`
// (the password) scrubbed.
std::string tidy(std::string message, const std::string& secret) {
  if (auto newline = message.find('\n'); newline != std::string::npos) message.resize(newline);
  for (const char* prefix : {"FATAL:  ", "ERROR:  "}) {
    if (message.rfind(prefix, 0) == 0) message.erase(0, std::strlen(prefix));
  }
  if (secret.size() >= 3) {
    for (std::size_t at; (at = message.find(secret)) != std::string::npos;) message.replace(at, secret.size(), "***");
  }
  return message;
}

// The password the string holds, as written (percent-encoded or not): to scrub from messages
// even when the string does not parse.
std::string raw_password(const std::string& url) {
  const std::size_t start = url.find("://");
  if (start == std::string::npos) return "";
  const std::size_t end = authority_end(url, start + 3);
  const std::size_t at = url.rfind('@', end);
  if (at == std::string::npos || at < start) return "";
  const std::size_t colon = url.find(':', start + 3);
  if (colon == std::string::npos || colon > at) return "";
  return url.substr(colon + 1, at - colon - 1);
}

// What to do about a server that could not be reached or refused the connection.
std::string connect_fix(const std::string& says) {
  if (says.find("password authentication failed") != std::string::npos ||
      says.find("no password supplied") != std::string::npos) {
    return "check the user and password (in the string, PGPASSWORD or ~/.pgpass)";
  }
  if (says.find("does not exist") != std::string::npos && says.find("database") != std::string::npos) {
    return "create the database (createdb -O USER NAME, or CREATE DATABASE NAME OWNER USER) or name an existing one";
  }
  if (says.find("role") != std::string::npos && says.find("does not exist") != std::string::npos) {
    return "create the role (CREATE ROLE NAME LOGIN PASSWORD '...') or name an existing one";
  }
  if (says.find("Connection refused") != std::string::npos || says.find("could not translate host") != std::string::npos ||
      says.find("timeout expired") != std::string::npos || says.find("No such file") != std::string::npos) {
    return "check the host and port, and that the server runs (for a local one: tools/postgres-local up)";
  }
  if (says.find("invalid") != std::string::npos && says.find("connection option") != std::string::npos) {
    return "correct that part of the string (postgresql://USER@HOST:PORT/DATABASE)";
  }
  return "check the connection string and the server";
}

}  // namespace

std::string without_password(const std::string& url) {
  std::string shown = url;
  const std::size_t start = shown.find("://");
  if (start == std::string::npos) return shown;
  const std::size_t end = authority_end(shown, start + 3);
  const std::size_t at = shown.rfind('@', end);
  if (at != std::string::npos && at > start) {
    const std::size_t colon = shown.find(':', start + 3);
    if (colon != std::string::npos && colon < at) shown.replace(colon + 1, at - colon - 1, "***");
  }
  const std::size_t query = shown.find('?');
  for (std::size_t key = query; key != std::string::npos; key = shown.find('&', key + 1)) {
    if (shown.compare(key + 1, 9, "password=") != 0) continue;
    const std::size_t value = key + 10;
    const std::size_t value_end = shown.find_first_of("&#", value);
    shown.replace(value, (value_end == std::string::npos ? shown.size() : value_end) - value, "***");
  }
  return shown;
}

PgParam PgParam::doubles(const std::vector<double>& values) {
  PgParam p(std::string(values.size() * sizeof(double), '\0'));
  if (!values.empty()) std::memcpy(p.value.data(), values.data(), p.value.size());
  p.bytes = true;
  return p;
}

PgRows::~PgRows() { PQclear(result_); }

int PgRows::size() const { return result_ ? PQntuples(result_) : 0; }

std::string PgRows::text(int row, int column) const {
  return std::string(PQgetvalue(result_, row, column), static_cast<std::size_t>(PQgetlength(result_, row, column)));
}

std::int64_t PgRows::integer(int row, int column) const { return std::strtoll(PQgetvalue(result_, row, column), nullptr, 10); }

std::vector<double> PgRows::doubles(int row, int column) const {
  std::vector<double> values(static_cast<std::size_t>(PQgetlength(result_, row, column)) / sizeof(double));
  if (!values.empty()) std::memcpy(values.data(), PQgetvalue(result_, row, column), values.size() * sizeof(double));
  return values;
}

std::int64_t PgRows::binary_integer(int row, int column) const {
  if (PQgetlength(result_, row, column) != 8) return 0;
  std::uint64_t big = 0;
  std::memcpy(&big, PQgetvalue(result_, row, column), sizeof big);
  return static_cast<std::int64_t>(be64toh(big));
}

Expected<std::unique_ptr<PgConnection>> PgConnection::open(const std::string& url) {
  const std::string name = without_password(url);
  char* parse_error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &parse_error);
  if (!options) {
    const std::string says = tidy(parse_error ? parse_error : "out of memory", raw_password(url));
    PQfreemem(parse_error);
    return Error{name + ": not a connection string PostgreSQL reads (" + says +
                 "); fix: write postgresql://USER@HOST:PORT/DATABASE and keep the password in PGPASSWORD or ~/.pgpass"};
  }
  std::string password = raw_password(url);
  for (PQconninfoOption* o = options; o->keyword; ++o) {
    if (std::strcmp(o->keyword, "password") == 0 && o->val) password = o->val;
  }
  PQconninfoFree(options);
  const char* keywords[] = {"application_name", "connect_timeout", "dbname", nullptr};
  const char* values[] = {"flowbench", "10", url.c_str(), nullptr};
  pg_conn* connection = PQconnectdbParams(keywords, values, 1);
  if (!connection || PQstatus(connection) != CONNECTION_OK) {
    const std::string says = tidy(connection ? PQerrorMessage(connection) : "out of memory", password);
    PQfinish(connection);
    return Error{name + ": cannot connect to the history server (" + says + "); fix: " + connect_fix(says)};
  }
  return std::unique_ptr<PgConnection>(new PgConnection(connection, name, password));
}

PgConnection::~PgConnection() { PQfinish(connection_); }

bool PgConnection::lost() const { return PQstatus(connection_) != CONNECTION_OK; }

void PgConnection::fail_with(std::string message) {
  if (error_.empty()) error_ = std::move(message);
}

PgRows PgConnection::query(std::string_view sql, const std::vector<PgParam>& params, std::string_view doing) {
  return run(sql, params, 0, doing);
}

PgRows PgConnection::query_binary(std::string_view sql, std::string_view doing) { return run(sql, {}, 1, doing); }

void PgConnection::rollback() {
  if (lost()) return;  // the server has rolled it back already
  PGresult* result = PQexec(connection_, "ROLLBACK");
  PQclear(result);
}

PgRows PgConnection::run(std::string_view sql, const std::vector<PgParam>& params, int result_format,
                         std::string_view doing) {
  if (failed()) return PgRows();
  std::vector<const char*> values;
  std::vector<int> lengths, formats;
  for (const auto& p : params) {
    values.push_back(p.value.c_str());
    lengths.push_back(static_cast<int>(p.value.size()));
    formats.push_back(p.bytes ? 1 : 0);
  }
  const std::string text(sql);
  // Without parameters, the simple protocol: it takes several statements at once (migrations).
  PGresult* result = params.empty() && result_format == 0
                         ? PQexec(connection_, text.c_str())
                         : PQexecParams(connection_, text.c_str(), static_cast<int>(params.size()), nullptr,
                                        values.data(), lengths.data(), formats.data(), result_format);
  const auto status = PQresultStatus(result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return PgRows(result);
  const std::string says = tidy(result ? PQresultErrorMessage(result) : PQerrorMessage(connection_), password_);
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : "";
  PQclear(result);
  const std::string what = doing.empty() ? "" : " (" + std::string(doing) + ")";
  if (lost()) {
    fail_with(name_ + ": the connection to the history server was lost" + what + ": " + says +
              "; a record is one transaction and the server keeps none of one it did not commit; fix: check the "
              "server, then run the same command again (a result already recorded is kept once)");
  } else if (sqlstate == "55P03") {
    fail_with(name_ + ": another flowbench holds the history's lock" + what +
              "; nothing was changed; fix: wait for it to finish and run again");
  } else if (sqlstate == "42501") {
    fail_with(name_ + ": the server refused" + what + ": " + says +
              "; fix: grant this role the right (a recording job needs CREATE on the database's schema the first "
              "time, then SELECT, INSERT and DELETE on flowbench's tables)");
  } else {
    fail_with(name_ + ": PostgreSQL failed" + what + ": " + says + " (SQLSTATE " + sqlstate +
              "); nothing was changed; fix: check the server's log, or name another database with --db");
  }
  return PgRows();
}

}  // namespace flowbench::history
