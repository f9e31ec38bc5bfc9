#include "dynlib/sqlite_api.hpp"

#include "core/shared_library.hpp"

namespace ainode {

namespace {

LoadedApi<SqliteApi> load_sqlite() {
  LoadedApi<SqliteApi> loaded;
  SharedLibrary library = open_shared_library({"libsqlite3.so.0"}, "libsqlite3-0");
  SqliteApi& a = loaded.api;
  library.bind(a.open_v2, "sqlite3_open_v2");
  library.bind(a.close_v2, "sqlite3_close_v2");
  library.bind(a.busy_timeout, "sqlite3_busy_timeout");
  library.bind(a.exec, "sqlite3_exec");
  library.bind(a.errmsg, "sqlite3_errmsg");
  library.bind(a.errstr, "sqlite3_errstr");
  library.bind(a.free, "sqlite3_free");
  library.bind(a.get_autocommit, "sqlite3_get_autocommit");
  library.bind(a.prepare_v2, "sqlite3_prepare_v2");
  library.bind(a.finalize, "sqlite3_finalize");
  library.bind(a.reset, "sqlite3_reset");
  library.bind(a.step, "sqlite3_step");
  library.bind(a.bind_int64, "sqlite3_bind_int64");
  library.bind(a.bind_text, "sqlite3_bind_text");
  library.bind(a.bind_blob, "sqlite3_bind_blob");
  library.bind(a.column_int64, "sqlite3_column_int64");
  library.bind(a.column_blob, "sqlite3_column_blob");
  library.bind(a.column_bytes, "sqlite3_column_bytes");
  loaded.error = library.problem("libsqlite3");
  return loaded;
}

}  // namespace

const SqliteApi* sqlite_api(std::string& error) {
  static const LoadedApi<SqliteApi> loaded = load_sqlite();
  return loaded.get(error);
}

}  // namespace ainode
