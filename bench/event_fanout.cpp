// Event fan-out cost: one HttpServer serving GET /v1/events to N clients
// (default 1000) in a child process; the parent publishes E events and
// reports its own CPU time (publisher + the server's io thread) per event
// and per event per client, plus the time until every client had the last
// event. Run by bench/run.sh; `bench_event_fanout CLIENTS EVENTS`.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "events/event_stream.hpp"
#include "http/query_string_parser.hpp"

using namespace ainode;

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

int connect_loopback(std::uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    perror("connect");
    std::exit(1);
  }
  return fd;
}

// The child: every client subscribes, then reads until it has seen the
// marker of the last event.
[[noreturn]] void run_clients(std::uint16_t port, int clients, const std::string& last_marker, int ready_pipe) {
  std::vector<pollfd> fds;
  std::vector<std::string> tails(static_cast<std::size_t>(clients));
  for (int i = 0; i < clients; ++i) {
    int fd = connect_loopback(port);
    std::string request = "GET /v1/events HTTP/1.1\r\nHost: bench\r\n\r\n";
    if (send(fd, request.data(), request.size(), 0) < 0) std::exit(1);
    fds.push_back({fd, POLLIN, 0});
  }
  char byte = 1;
  if (write(ready_pipe, &byte, 1) != 1) std::exit(1);
  int done = 0;
  std::vector<bool> finished(static_cast<std::size_t>(clients), false);
  char buffer[65536];
  while (done < clients) {
    if (poll(fds.data(), fds.size(), 10000) <= 0) std::exit(2);
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (!(fds[i].revents & POLLIN) || finished[i]) continue;
      ssize_t n = recv(fds[i].fd, buffer, sizeof buffer, 0);
      if (n <= 0) std::exit(3);
      tails[i].append(buffer, static_cast<std::size_t>(n));
      if (tails[i].find(last_marker) != std::string::npos) {
        finished[i] = true;
        fds[i].events = 0;
        ++done;
      } else if (tails[i].size() > 4096) {
        tails[i].erase(0, tails[i].size() - 256);
      }
    }
  }
  std::_Exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  int clients = argc > 1 ? std::atoi(argv[1]) : 1000;
  int events = argc > 2 ? std::atoi(argv[2]) : 2000;
  raise_open_file_limit();
  EventBus bus(8192);
  EventStreamStats stats;
  EventStreamOptions options;
  HttpServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  server_options.max_connections = clients + 16;
  HttpServer server(server_options, [&](const HttpRequest& request) {
    return event_stream_response(bus, request, stats, options);
  });
  server.start();
  int ready[2];
  if (pipe(ready) != 0) return 1;
  std::string marker = "id: " + std::to_string(events) + "\n";
  pid_t child = fork();
  if (child == 0) run_clients(server.port(), clients, marker, ready[1]);
  char byte;
  if (read(ready[0], &byte, 1) != 1) return 1;
  while (bus.subscribers() < static_cast<std::size_t>(clients)) std::this_thread::sleep_for(std::chrono::milliseconds(5));

  // A typical event: a GPU throttle start with its payload (~300 bytes).
  double cpu_before = cpu_seconds();
  auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < events; ++i) {
    EventDraft draft;
    draft.type = "gpu_throttle_start";
    draft.severity = Severity::warning;
    draft.subject.gpu = static_cast<unsigned>(i % 8);
    draft.subject.uuid = "GPU-5a1d0000-0000-4000-8000-000000000000";
    draft.message = "GPU 3 started throttling: hw_thermal";
    draft.payload = {{"reason", "hw_thermal"}};
    bus.publish(std::move(draft));
    // 500 events a second: far above a real node's rate, so the figure is
    // the cost of delivery, not of idling.
    if (i % 50 == 49) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  int status = 0;
  waitpid(child, &status, 0);
  auto delivered = std::chrono::steady_clock::now();
  double cpu = cpu_seconds() - cpu_before;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "clients failed (status %d); dropped %llu\n", status,
                 static_cast<unsigned long long>(stats.clients_dropped.load()));
    return 1;
  }
  std::printf("event fan-out: %d clients, %d events: %.1f us CPU per event (%.2f us per event per client), "
              "%.2f s to deliver all, %llu clients dropped\n",
              clients, events, cpu / events * 1e6, cpu / events / clients * 1e6,
              std::chrono::duration<double>(delivered - started).count(),
              static_cast<unsigned long long>(stats.clients_dropped.load()));
  server.stop();
  return 0;
}
