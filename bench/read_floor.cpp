// The floor for a collection cycle: the least a program can do to read the
// same files. Given a list of paths (one per line: "F path" to read a file,
// "D path" to list a directory, "S path" to statfs), it does exactly that,
// with plain syscalls and no parsing, many times, and prints the CPU time
// per pass.
//
//   bench_read_floor LIST_FILE [passes]
#include <dirent.h>
#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>


#include "bench_support.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s LIST_FILE [passes]\n", argv[0]);
    return 2;
  }
  int passes = argc > 2 ? std::atoi(argv[2]) : 200;
  std::vector<std::pair<char, std::string>> entries;
  std::ifstream list(argv[1]);
  for (std::string line; std::getline(list, line);) {
    if (line.size() > 2) entries.emplace_back(line[0], line.substr(2));
  }
  static char buffer[65536];
  std::size_t sink = 0;
  auto pass = [&] {
    for (const auto& [kind, path] : entries) {
      if (kind == 'F') {
        int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        for (ssize_t n; (n = read(fd, buffer, sizeof buffer)) > 0;) sink += static_cast<std::size_t>(n);
        close(fd);
      } else if (kind == 'D') {
        if (DIR* dir = opendir(path.c_str())) {
          while (readdir(dir) != nullptr) ++sink;
          closedir(dir);
        }
      } else if (kind == 'S') {
        struct statvfs stats{};
        if (statvfs(path.c_str(), &stats) == 0) sink += stats.f_bsize;
      }
    }
  };
  pass();
  double before = ainode::bench::process_cpu_seconds();
  for (int i = 0; i < passes; ++i) pass();
  double per_pass = (ainode::bench::process_cpu_seconds() - before) / passes;
  std::printf("entries=%zu passes=%d cpu_seconds_per_pass=%.6f (checksum %zu)\n", entries.size(), passes, per_pass,
              sink % 10);
  return 0;
}
