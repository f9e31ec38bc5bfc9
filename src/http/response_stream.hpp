#pragma once
// A response body written over time (Server-Sent Events). The session sends
// the head, then whatever the producer pushes through the sink, until the
// client leaves, falls behind, or either side closes. Each client has its
// own bounded queue: a client that stops reading is dropped when its queue
// fills or a write outlasts write_timeout, and never slows the producer, a
// scrape or another client.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace ainode {

enum class StreamEnd { client_closed, queue_full, write_timeout, write_error, server_stopped, producer_closed };

inline const char* to_string(StreamEnd end) {
  switch (end) {
    case StreamEnd::client_closed: return "client_closed";
    case StreamEnd::queue_full: return "queue_full";
    case StreamEnd::write_timeout: return "write_timeout";
    case StreamEnd::write_error: return "write_error";
    case StreamEnd::server_stopped: return "server_stopped";
    case StreamEnd::producer_closed: break;
  }
  return "producer_closed";
}

// Thread-safe; push never blocks.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Queues bytes for the client. False when the stream has ended, or when
  // these bytes would overflow the client's queue (the client is then
  // dropped with StreamEnd::queue_full).
  virtual bool push(std::shared_ptr<const std::string> bytes) = 0;
  // Queues a backlog the producer already holds in memory (an event ring
  // replayed after Last-Event-ID): these bytes are shared, not copied, so
  // they do not count against the client's queue bound, which is there to
  // stop a client that does not keep up with live bytes. A replay larger
  // than the bound would otherwise drop every client that reconnects with
  // an old id. False when the stream has ended.
  virtual bool push_backlog(std::vector<std::shared_ptr<const std::string>> frames) = 0;
  // Ends the stream once what is queued has been written.
  virtual void close() = 0;
};

struct ResponseStream {
  // Called on the server's thread once the head is sent. What it returns is
  // kept until the stream ends, then released there (e.g. a subscription).
  std::function<std::shared_ptr<void>(const std::shared_ptr<StreamSink>&)> start;
  // Called once when the stream ends, on the server's thread.
  std::function<void(StreamEnd)> on_end;
  std::chrono::milliseconds heartbeat_interval{15000};
  std::shared_ptr<const std::string> heartbeat;  // sent every heartbeat_interval; none if null
  std::size_t max_queued_bytes = 256 * 1024;
  std::chrono::milliseconds write_timeout{10000};
  // The kernel's send buffer for this socket. Left to autotuning it grows to
  // megabytes, so a thousand stalled clients could pin gigabytes of kernel
  // memory and hide for minutes that they stopped reading; a small fixed
  // buffer makes max_queued_bytes the real bound.
  int socket_send_buffer_bytes = 64 * 1024;
};

}  // namespace ainode
