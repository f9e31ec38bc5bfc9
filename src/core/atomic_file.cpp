#include "core/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

namespace ainode {

namespace {
std::string failure(const std::string& path, const char* what) { return path + ": " + what + ": " + std::strerror(errno); }
}  // namespace

std::optional<std::string> write_file_atomically(const std::string& path, const std::string& content) {
  std::string temporary = path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return failure(temporary, "open");
  std::size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      auto error = failure(temporary, "write");
      ::close(fd);
      ::unlink(temporary.c_str());
      return error;
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    auto error = failure(temporary, "fsync");
    ::close(fd);
    ::unlink(temporary.c_str());
    return error;
  }
  ::close(fd);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    auto error = failure(path, "rename");
    ::unlink(temporary.c_str());
    return error;
  }
  // The rename itself is durable only once the directory is.
  std::string directory = std::filesystem::path(path).parent_path().string();
  int dir = ::open(directory.empty() ? "." : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return std::nullopt;
}

std::string set_file_aside(const std::string& path) {
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  std::string aside = path + ".corrupt-" + std::to_string(seconds.count());
  std::error_code error;
  std::filesystem::rename(path, aside, error);
  return error ? std::string() : aside;
}

}  // namespace ainode
