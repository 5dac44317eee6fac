// The simulated chip's files: paths, levels and the "drive from outside" operation.
#include "sensors/sim_chip.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace homesec {

bool SimLineKey(const std::variant<int, std::string>& line, std::string* key, std::string* error) {
  if (const int* offset = std::get_if<int>(&line)) {
    if (*offset < 0) {
      *error = "line offset must not be negative";
      return false;
    }
    *key = std::to_string(*offset);
    return true;
  }
  const std::string& name = std::get<std::string>(line);
  if (name.empty() || name.front() == '.' || name.find('/') != std::string::npos) {
    *error = "a simulated line name must be non-empty, without '/' and not start with '.'";
    return false;
  }
  *key = name;
  return true;
}

SimLinePaths SimPaths(const std::string& root, const std::string& chip, const std::string& key) {
  SimLinePaths paths;
  paths.dir = root + "/" + chip + "/" + key;
  paths.value = paths.dir + "/value";
  paths.edges = paths.dir + "/edges";
  paths.consumer = paths.dir + "/consumer";
  return paths;
}

bool MakeDirs(const std::string& path, std::string* error) {
  // std::filesystem walks the parents itself (a hand-made loop of string appends tripped GCC 12's
  // -Wrestrict false positive at -O3).
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) {
    *error = "cannot create " + path + ": " + ec.message();
    return false;
  }
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    *error = path + " is not a directory";
    return false;
  }
  return true;
}

bool WriteSimLevel(const std::string& value_path, bool level, std::string* error) {
  const std::string tmp = value_path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << (level ? "1\n" : "0\n");
    if (!out.flush()) {
      *error = "cannot write " + tmp;
      return false;
    }
  }
  if (rename(tmp.c_str(), value_path.c_str()) != 0) {
    *error = "cannot replace " + value_path + ": " + std::strerror(errno);
    unlink(tmp.c_str());
    return false;
  }
  return true;
}

std::optional<bool> ReadSimLevel(const std::string& root, const std::string& chip,
                                 const std::string& key) {
  std::ifstream in(SimPaths(root, chip, key).value);
  std::string text;
  if (!(in >> text)) return std::nullopt;
  if (text == "1") return true;
  if (text == "0") return false;
  return std::nullopt;
}

std::string SimLineConsumer(const std::string& root, const std::string& chip,
                            const std::string& key) {
  const std::string path = SimPaths(root, chip, key).consumer;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string consumer;
  if (flock(fd, LOCK_SH | LOCK_NB) != 0) {
    char buf[256];
    const ssize_t n = read(fd, buf, sizeof buf);
    consumer = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "unknown";
    while (!consumer.empty() && (consumer.back() == '\n' || consumer.back() == '\r')) {
      consumer.pop_back();
    }
  }
  close(fd);
  return consumer;
}

bool DriveSimLine(const std::string& root, const std::string& chip, const std::string& key,
                  bool level, std::string* error) {
  const SimLinePaths paths = SimPaths(root, chip, key);
  const int fd = open(paths.edges.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd >= 0) {
    const char* text = level ? "1\n" : "0\n";
    const ssize_t n = write(fd, text, 2);  // below PIPE_BUF: atomic
    const int saved = errno;
    close(fd);
    if (n == 2) return true;
    *error = paths.edges + ": " + (n < 0 ? std::strerror(saved) : "short write") +
             " (is the holder reading the line?)";
    return false;
  }
  if (errno != ENXIO && errno != ENOENT) {
    *error = "cannot open " + paths.edges + ": " + std::strerror(errno);
    return false;
  }
  // Nobody holds the line: the value file is what the next holder reads at start.
  if (!MakeDirs(paths.dir, error)) return false;
  return WriteSimLevel(paths.value, level, error);
}

}  // namespace homesec
