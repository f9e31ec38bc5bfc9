#pragma once
// libsqlite3, opened at run time (core/shared_library.hpp): only the on-disk
// buffer (buffer.enable) needs it, and a linked libsqlite3 costs every agent
// about 1.2 MiB of RSS. <sqlite3.h> is used for its types and constants only.
#include <sqlite3.h>

#include <string>

namespace ainode {

struct SqliteApi {
  int (*open_v2)(const char*, sqlite3**, int, const char*) = nullptr;
  int (*close_v2)(sqlite3*) = nullptr;
  int (*busy_timeout)(sqlite3*, int) = nullptr;
  int (*exec)(sqlite3*, const char*, int (*)(void*, int, char**, char**), void*, char**) = nullptr;
  const char* (*errmsg)(sqlite3*) = nullptr;
  const char* (*errstr)(int) = nullptr;
  void (*free)(void*) = nullptr;  // sqlite3_free
  int (*get_autocommit)(sqlite3*) = nullptr;
  int (*prepare_v2)(sqlite3*, const char*, int, sqlite3_stmt**, const char**) = nullptr;
  int (*finalize)(sqlite3_stmt*) = nullptr;
  int (*reset)(sqlite3_stmt*) = nullptr;
  int (*step)(sqlite3_stmt*) = nullptr;
  int (*bind_int64)(sqlite3_stmt*, int, sqlite3_int64) = nullptr;
  int (*bind_text)(sqlite3_stmt*, int, const char*, int, void (*)(void*)) = nullptr;
  int (*bind_blob)(sqlite3_stmt*, int, const void*, int, void (*)(void*)) = nullptr;
  sqlite3_int64 (*column_int64)(sqlite3_stmt*, int) = nullptr;
  const void* (*column_blob)(sqlite3_stmt*, int) = nullptr;
  int (*column_bytes)(sqlite3_stmt*, int) = nullptr;
};

// libsqlite3.so.0, opened on the first call (thread safe); null with `error`
// set when it is absent or lacks a function.
const SqliteApi* sqlite_api(std::string& error);

}  // namespace ainode
