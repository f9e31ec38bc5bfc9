#pragma once
// The durable half of the buffer: cycles and send positions in one SQLite
// database in WAL mode (docs/buffer.md says why SQLite, and the fsync policy).
// Not thread-safe: Buffer serialises every call.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "buffer/stored_cycle.hpp"

struct sqlite3;

namespace ainode {

// The outcome of a write: ok, or the disk refused it (full, quota, I/O
// error); the caller degrades to memory.
struct LogWrite {
  bool ok = true;
  std::string error;
};

// What open() found and repaired; every field is reported in /v1/status.
struct LogRecovery {
  std::string torn_wal;        // "" or what was cut from a torn write-ahead log tail
  std::string set_aside;       // "" or where an unreadable database was moved
  std::int64_t corrupt_rows = 0;  // tail rows whose checksum failed, deleted
};

class SqliteLog {
 public:
  SqliteLog() = default;
  ~SqliteLog();
  SqliteLog(const SqliteLog&) = delete;
  SqliteLog& operator=(const SqliteLog&) = delete;

  // Opens or creates `path`. A database that cannot be read is renamed to
  // <path>.corrupt-<unix time> and a fresh one made: a bad file costs its
  // history, never start-up. Returns an error only when even a fresh
  // database cannot be made (directory unwritable).
  std::optional<std::string> open(const std::string& path);
  bool is_open() const { return db_ != nullptr; }
  const LogRecovery& recovery() const { return recovery_; }

  LogWrite append(const StoredCycle& cycle);
  // Cycles with seq > after, oldest first, until `max_samples` (at least one cycle).
  std::vector<StoredCycle> read_after(std::uint64_t after, std::int64_t max_samples);
  PendingCycles pending_after(std::uint64_t after);
  std::vector<StoredCycle> read_time_range(std::int64_t start_ms, std::int64_t end_ms);
  // Deletes oldest cycles while the stored bytes exceed max_bytes or they are
  // older than oldest_ms; returns what it removed, oldest first.
  struct Evicted {
    std::uint64_t seq = 0;
    std::int64_t samples = 0;
    bool too_old = false;  // else: over max_bytes
  };
  std::vector<Evicted> evict(std::int64_t max_bytes, std::int64_t oldest_ms);
  // Deletes one cycle whose data turned out corrupt when read.
  void remove(std::uint64_t seq);

  std::optional<std::uint64_t> position(const std::string& receiver);
  LogWrite save_position(const std::string& receiver, std::uint64_t seq);

  std::uint64_t last_seq() const { return last_seq_; }       // highest ever stored (survives eviction)
  std::uint64_t oldest_seq() const { return oldest_seq_; }   // 0 when empty
  std::int64_t data_bytes() const { return data_bytes_; }
  std::int64_t cycles() const { return cycles_; }
  std::int64_t samples() const { return samples_; }
  std::int64_t file_bytes() const;  // database + WAL on disk

 private:
  std::optional<std::string> open_database(const std::string& path);
  void verify_tail(std::int64_t rows);
  void refresh_totals();
  void close();

  sqlite3* db_ = nullptr;
  std::string path_;
  LogRecovery recovery_;
  std::uint64_t last_seq_ = 0;
  std::uint64_t oldest_seq_ = 0;
  std::int64_t data_bytes_ = 0;
  std::int64_t cycles_ = 0;
  std::int64_t samples_ = 0;
};

// Checks a WAL file's length against its header's page size; "" when the
// file is whole frames, else a description of the torn tail SQLite will
// ignore. Pure on the file's first bytes and its size, for tests.
std::string describe_torn_wal(std::string_view wal_header, std::int64_t wal_size);

}  // namespace ainode
