#include "buffer/sqlite_log.hpp"

#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "dynlib/sqlite_api.hpp"

namespace ainode {

namespace {

// Every call below runs on an opened database, so open() has loaded the
// library already.
const SqliteApi& sqlite() {
  std::string ignored;
  return *sqlite_api(ignored);
}

// A prepared statement, finalized on scope exit.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite().prepare_v2(db, sql, -1, &statement_, nullptr); }
  ~Statement() { sqlite().finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  explicit operator bool() const { return statement_ != nullptr; }
  sqlite3_stmt* get() { return statement_; }
  void bind(int index, std::int64_t value) { sqlite().bind_int64(statement_, index, value); }
  void bind(int index, const std::string& text) {
    sqlite().bind_text(statement_, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  }
  void bind_blob(int index, const std::string& blob) {
    sqlite().bind_blob(statement_, index, blob.data(), static_cast<int>(blob.size()), SQLITE_STATIC);
  }
  int step() { return statement_ ? sqlite().step(statement_) : SQLITE_ERROR; }
  std::int64_t integer(int column) { return sqlite().column_int64(statement_, column); }
  std::string blob(int column) {
    const void* data = sqlite().column_blob(statement_, column);
    int size = sqlite().column_bytes(statement_, column);
    return data ? std::string(static_cast<const char*>(data), static_cast<std::size_t>(size)) : std::string();
  }

 private:
  sqlite3_stmt* statement_ = nullptr;
};

std::int64_t checksum(const std::string& data) {
  return static_cast<std::int64_t>(crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

std::int64_t file_size(const std::string& path) {
  std::error_code error;
  auto size = std::filesystem::file_size(path, error);
  return error ? 0 : static_cast<std::int64_t>(size);
}

std::uint32_t big_endian32(std::string_view bytes, std::size_t at) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) << 24) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 16) |
         (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 8) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3]));
}

bool exec(sqlite3* db, const char* sql, std::string* error = nullptr) {
  char* message = nullptr;
  int rc = sqlite().exec(db, sql, nullptr, nullptr, &message);
  if (rc != SQLITE_OK && error != nullptr) *error = message ? message : sqlite().errstr(rc);
  sqlite().free(message);
  return rc == SQLITE_OK;
}

StoredCycle row_of(Statement& statement) {
  return StoredCycle{static_cast<std::uint64_t>(statement.integer(0)), statement.integer(1), statement.integer(2),
                     statement.blob(4)};
}

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS cycles(seq INTEGER PRIMARY KEY AUTOINCREMENT, taken_at_ms INTEGER NOT NULL, "
    "samples INTEGER NOT NULL, crc INTEGER NOT NULL, data BLOB NOT NULL);"
    "CREATE INDEX IF NOT EXISTS cycles_by_time ON cycles(taken_at_ms);"
    "CREATE TABLE IF NOT EXISTS positions(receiver TEXT PRIMARY KEY, seq INTEGER NOT NULL);";

}  // namespace

std::string describe_torn_wal(std::string_view header, std::int64_t wal_size) {
  constexpr std::int64_t kHeader = 32, kFrameHeader = 24;
  if (wal_size == 0) return "";
  if (wal_size < kHeader || header.size() < kHeader) return "write-ahead log of " + std::to_string(wal_size) + " bytes has no whole header";
  std::int64_t page_size = big_endian32(header, 8);
  if (page_size < 512 || page_size > 65536) return "write-ahead log header is damaged";
  std::int64_t partial = (wal_size - kHeader) % (kFrameHeader + page_size);
  if (partial == 0) return "";
  return "torn write-ahead log tail: " + std::to_string(partial) + " bytes of an incomplete frame ignored";
}

SqliteLog::~SqliteLog() { close(); }

void SqliteLog::close() {
  if (db_ != nullptr) sqlite().close_v2(db_);
  db_ = nullptr;
}

std::optional<std::string> SqliteLog::open(const std::string& path) {
  // Checked first: a missing library must not look like a corrupt database.
  std::string load_error;
  if (sqlite_api(load_error) == nullptr) return load_error;
  path_ = path;
  recovery_ = {};
  std::string wal = path + "-wal";
  if (auto size = file_size(wal); size > 0) {
    std::string header(32, '\0');
    std::ifstream in(wal, std::ios::binary);
    in.read(header.data(), static_cast<std::streamsize>(header.size()));
    header.resize(static_cast<std::size_t>(in.gcount()));
    recovery_.torn_wal = describe_torn_wal(header, size);
  }
  auto error = open_database(path);
  if (!error) return std::nullopt;
  // Unreadable: keep the file for a post-mortem, start empty.
  close();
  auto stamp = std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::string aside = path + ".corrupt-" + stamp;
  std::error_code ignored;
  std::filesystem::rename(path, aside, ignored);
  std::filesystem::rename(wal, aside + "-wal", ignored);
  std::filesystem::remove(path + "-shm", ignored);
  recovery_.set_aside = aside + " (" + *error + ")";
  if (auto again = open_database(path)) {
    close();
    return again;
  }
  return std::nullopt;
}

std::optional<std::string> SqliteLog::open_database(const std::string& path) {
  int rc = sqlite().open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                           nullptr);
  if (rc != SQLITE_OK) return std::string("cannot open: ") + sqlite().errstr(rc);
  sqlite().busy_timeout(db_, 1000);
  std::string error;
  // WAL: appends are sequential writes and readers never block the writer.
  // synchronous=FULL: every commit (one per cycle) is fsynced, so a power
  // loss costs at most the cycle being written (docs/buffer.md).
  // cache_size=-128 (KiB): SQLite's default page cache (2,000 KiB) fills
  // with pages the appends wrote and nothing reads again, growing the
  // agent's RSS by up to 2 MiB over hours (the soak); the reads it serves
  // (replay, query_range) are sequential and the kernel's page cache backs them.
  // 32 pages still hold one commit of the 8-GPU twin (its ~40 KB blob, the
  // index and the B-tree path) without spilling to the WAL mid-transaction;
  // bench_buffer_cost measured the same write cost at -256, -128 and -64.
  if (!exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-128;", &error)) return error;
  Statement check(db_, "PRAGMA quick_check");
  if (!check) return std::string("not a database: ") + sqlite().errmsg(db_);
  if (check.step() != SQLITE_ROW) return std::string("integrity check failed: ") + sqlite().errmsg(db_);
  std::string verdict = check.blob(0);
  if (verdict != "ok") return "integrity check: " + verdict;
  if (!exec(db_, kSchema, &error)) return error;
  verify_tail(64);
  refresh_totals();
  return std::nullopt;
}

// A record whose bytes no longer match its checksum (a bad sector, a
// partial page the file system returned) is cut, not replayed.
void SqliteLog::verify_tail(std::int64_t rows) {
  std::vector<std::uint64_t> bad;
  {
    Statement tail(db_, "SELECT seq, crc, data FROM cycles ORDER BY seq DESC LIMIT ?");
    tail.bind(1, rows);
    while (tail.step() == SQLITE_ROW) {
      if (checksum(tail.blob(2)) != tail.integer(1)) bad.push_back(static_cast<std::uint64_t>(tail.integer(0)));
    }
  }
  for (auto seq : bad) remove(seq);
  recovery_.corrupt_rows += static_cast<std::int64_t>(bad.size());
}

void SqliteLog::refresh_totals() {
  Statement totals(db_, "SELECT COUNT(*), COALESCE(SUM(length(data)),0), COALESCE(SUM(samples),0), COALESCE(MIN(seq),0), "
                        "COALESCE(MAX(seq),0) FROM cycles");
  if (totals.step() == SQLITE_ROW) {
    cycles_ = totals.integer(0);
    data_bytes_ = totals.integer(1);
    samples_ = totals.integer(2);
    oldest_seq_ = static_cast<std::uint64_t>(totals.integer(3));
    last_seq_ = std::max(last_seq_, static_cast<std::uint64_t>(totals.integer(4)));
  }
  // AUTOINCREMENT remembers the highest seq even after every row is evicted.
  Statement sequence(db_, "SELECT seq FROM sqlite_sequence WHERE name='cycles'");
  if (sequence.step() == SQLITE_ROW) last_seq_ = std::max(last_seq_, static_cast<std::uint64_t>(sequence.integer(0)));
}

LogWrite SqliteLog::append(const StoredCycle& cycle) {
  if (db_ == nullptr) return {false, "buffer database not open"};
  Statement insert(db_, "INSERT INTO cycles(seq, taken_at_ms, samples, crc, data) VALUES(?,?,?,?,?)");
  insert.bind(1, static_cast<std::int64_t>(cycle.seq));
  insert.bind(2, cycle.taken_at_ms);
  insert.bind(3, cycle.samples);
  insert.bind(4, checksum(cycle.data));
  insert.bind_blob(5, cycle.data);
  int rc = insert.step();
  if (rc != SQLITE_DONE) {
    std::string error = std::string(sqlite().errstr(rc)) + ": " + sqlite().errmsg(db_);
    if (!sqlite().get_autocommit(db_)) exec(db_, "ROLLBACK");
    return {false, error};
  }
  if (oldest_seq_ == 0) oldest_seq_ = cycle.seq;
  last_seq_ = std::max(last_seq_, cycle.seq);
  ++cycles_;
  data_bytes_ += static_cast<std::int64_t>(cycle.data.size());
  samples_ += cycle.samples;
  return {};
}

std::vector<StoredCycle> SqliteLog::read_after(std::uint64_t after, std::int64_t max_samples) {
  std::vector<StoredCycle> out;
  if (db_ == nullptr) return out;
  Statement select(db_, "SELECT seq, taken_at_ms, samples, crc, data FROM cycles WHERE seq > ? ORDER BY seq LIMIT 1000");
  select.bind(1, static_cast<std::int64_t>(after));
  std::int64_t samples = 0;
  std::vector<std::uint64_t> bad;
  while (select.step() == SQLITE_ROW) {
    if (!out.empty() && samples + select.integer(2) > max_samples) break;
    if (checksum(select.blob(4)) != select.integer(3)) {
      bad.push_back(static_cast<std::uint64_t>(select.integer(0)));
      continue;
    }
    out.push_back(row_of(select));
    samples += out.back().samples;
  }
  sqlite().reset(select.get());
  for (auto seq : bad) remove(seq);
  recovery_.corrupt_rows += static_cast<std::int64_t>(bad.size());
  return out;
}

PendingCycles SqliteLog::pending_after(std::uint64_t after) {
  PendingCycles out;
  if (db_ == nullptr) return out;
  Statement select(db_, "SELECT COUNT(*), COALESCE(SUM(samples),0), COALESCE(MIN(taken_at_ms),0), "
                        "COALESCE(MAX(taken_at_ms),0) FROM cycles WHERE seq > ?");
  select.bind(1, static_cast<std::int64_t>(after));
  if (select.step() == SQLITE_ROW) out = {select.integer(0), select.integer(1), select.integer(2), select.integer(3)};
  return out;
}

std::vector<StoredCycle> SqliteLog::read_time_range(std::int64_t start_ms, std::int64_t end_ms) {
  std::vector<StoredCycle> out;
  if (db_ == nullptr) return out;
  Statement select(db_, "SELECT seq, taken_at_ms, samples, crc, data FROM cycles WHERE taken_at_ms BETWEEN ? AND ? "
                        "ORDER BY seq");
  select.bind(1, start_ms);
  select.bind(2, end_ms);
  while (select.step() == SQLITE_ROW) {
    if (checksum(select.blob(4)) == select.integer(3)) out.push_back(row_of(select));
  }
  return out;
}

std::vector<SqliteLog::Evicted> SqliteLog::evict(std::int64_t max_bytes, std::int64_t oldest_ms) {
  std::vector<Evicted> evicted;
  if (db_ == nullptr) return evicted;
  {
    Statement oldest(db_, "SELECT seq, taken_at_ms, samples, length(data) FROM cycles ORDER BY seq");
    std::int64_t bytes = data_bytes_;
    while (oldest.step() == SQLITE_ROW) {
      bool too_big = bytes > max_bytes;
      bool too_old = oldest.integer(1) < oldest_ms;
      if (!too_big && !too_old) break;
      // Age first: a cycle past max_age counts as aged out even when the buffer is also full.
      evicted.push_back({static_cast<std::uint64_t>(oldest.integer(0)), oldest.integer(2), too_old});
      bytes -= oldest.integer(3);
    }
  }
  if (evicted.empty()) return evicted;
  Statement remove_upto(db_, "DELETE FROM cycles WHERE seq <= ?");
  remove_upto.bind(1, static_cast<std::int64_t>(evicted.back().seq));
  remove_upto.step();
  refresh_totals();
  return evicted;
}

void SqliteLog::remove(std::uint64_t seq) {
  Statement statement(db_, "DELETE FROM cycles WHERE seq = ?");
  statement.bind(1, static_cast<std::int64_t>(seq));
  statement.step();
  refresh_totals();
}

std::optional<std::uint64_t> SqliteLog::position(const std::string& receiver) {
  if (db_ == nullptr) return std::nullopt;
  Statement select(db_, "SELECT seq FROM positions WHERE receiver = ?");
  select.bind(1, receiver);
  if (select.step() != SQLITE_ROW) return std::nullopt;
  return static_cast<std::uint64_t>(select.integer(0));
}

LogWrite SqliteLog::save_position(const std::string& receiver, std::uint64_t seq) {
  if (db_ == nullptr) return {false, "buffer database not open"};
  Statement upsert(db_, "INSERT INTO positions(receiver, seq) VALUES(?, ?) "
                        "ON CONFLICT(receiver) DO UPDATE SET seq = excluded.seq");
  upsert.bind(1, receiver);
  upsert.bind(2, static_cast<std::int64_t>(seq));
  int rc = upsert.step();
  if (rc != SQLITE_DONE) return {false, std::string(sqlite().errstr(rc)) + ": " + sqlite().errmsg(db_)};
  return {};
}

std::int64_t SqliteLog::file_bytes() const { return file_size(path_) + file_size(path_ + "-wal"); }

}  // namespace ainode
