// The simulated GPIO backend: the same behaviour as a libgpiod line, with levels set from
// outside the process through files and FIFOs (layout in sim_chip.hpp, usage in docs/gpio.md).
// Busy detection uses flock() on the line's consumer file, so it holds across processes and
// is released when the holder exits, as a kernel line request would be.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include "rules/text.hpp"
#include "sensors/line_backend.hpp"
#include "sensors/sim_chip.hpp"

namespace homesec {
namespace {

// A held line: its lock, and for inputs the FIFO ends and the current physical level.
struct SimLine {
  GpioLineConfig cfg;
  SimLinePaths paths;
  int lock_fd = -1;
  int read_fd = -1;     // edges FIFO, the fd handed to the loop
  int write_fd = -1;    // kept open so writers closing never signal end-of-file
  bool level = false;   // physical
  std::string pending;  // a partial text line
};

void CloseIfOpen(int fd) {
  if (fd >= 0) close(fd);
}

class SimBackend : public LineBackend {
 public:
  SimBackend(std::string root, MonoClock clock)
      : root_(std::move(root)), clock_(std::move(clock)) {}

  ~SimBackend() override {
    for (SimLine& line : lines_) {
      CloseIfOpen(line.read_fd);
      CloseIfOpen(line.write_fd);
      if (line.lock_fd >= 0) {
        // Leave the consumer file empty: the line is free again.
        if (ftruncate(line.lock_fd, 0) != 0) {
        }
        close(line.lock_fd);
      }
    }
  }

  bool RequestInput(const GpioLineConfig& cfg, const std::string& consumer, int* fd,
                    bool* initial_active, std::string* error) override {
    SimLine line;
    if (!Hold(cfg, consumer, &line, error)) return false;
    if (mkfifo(line.paths.edges.c_str(), 0660) != 0 && errno != EEXIST) {
      return Fail(&line, "cannot create " + line.paths.edges + ": " + std::strerror(errno), error);
    }
    struct stat st {};
    if (stat(line.paths.edges.c_str(), &st) != 0 || !S_ISFIFO(st.st_mode)) {
      return Fail(&line, line.paths.edges + " exists and is not a FIFO", error);
    }
    line.read_fd = open(line.paths.edges.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (line.read_fd >= 0) {
      line.write_fd = open(line.paths.edges.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    }
    if (line.read_fd < 0 || line.write_fd < 0) {
      return Fail(&line, "cannot open " + line.paths.edges + ": " + std::strerror(errno), error);
    }
    // An unconnected line reads as its bias pulls it.
    std::optional<bool> level = ReadSimLevel(root_, cfg.chip, KeyOf(line));
    line.level = level.value_or(cfg.bias == Bias::kPullUp);
    std::string why;
    if (!WriteSimLevel(line.paths.value, line.level, &why)) {
      return Fail(&line, why, error);
    }
    *fd = line.read_fd;
    *initial_active = line.level != cfg.active_low;
    lines_.push_back(std::move(line));
    return true;
  }

  std::vector<RawEdge> ReadEdges(int fd, std::string* error) override {
    std::vector<RawEdge> edges;
    SimLine* line = FindInput(fd);
    if (line == nullptr) {
      *error = "fd " + std::to_string(fd) + " is not a requested simulated line";
      return edges;
    }
    char buf[512];
    for (;;) {
      const ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0) {
        line->pending.append(buf, static_cast<size_t>(n));
        if (line->pending.size() < 64 * 1024) continue;
        break;  // the rest on the next wake-up: one reading never holds the loop for long
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != EAGAIN) {
        *error = LineLabel(line->cfg) + ": " + std::strerror(errno);
      }
      break;
    }
    const MonoTime time = clock_();
    size_t end;
    while ((end = line->pending.find('\n')) != std::string::npos) {
      std::string text = line->pending.substr(0, end);
      line->pending.erase(0, end + 1);
      while (!text.empty() && (text.back() == '\r' || text.back() == ' ')) text.pop_back();
      if (text.empty()) continue;
      if (text != "0" && text != "1") {
        *error =
            LineLabel(line->cfg) + ": ignored '" + PrintableText(text, 40) + "' (write 0 or 1)";
        continue;
      }
      const bool level = text == "1";
      if (level == line->level) continue;  // no change, no edge (as on real hardware)
      line->level = level;
      edges.push_back(RawEdge{level != line->cfg.active_low, time});
    }
    // A writer that never sends a newline must not grow the buffer without bound.
    if (line->pending.size() > 256) line->pending.clear();
    if (!edges.empty()) {
      std::string why;
      if (!WriteSimLevel(line->paths.value, line->level, &why) && error->empty()) *error = why;
    }
    return edges;
  }

  bool RequestOutput(const GpioLineConfig& cfg, const std::string& consumer, int* handle,
                     std::string* error) override {
    SimLine line;
    if (!Hold(cfg, consumer, &line, error)) return false;
    line.level = cfg.active_low;  // inactive
    std::string why;
    if (!WriteSimLevel(line.paths.value, line.level, &why)) return Fail(&line, why, error);
    *handle = static_cast<int>(lines_.size());
    lines_.push_back(std::move(line));
    return true;
  }

  bool SetOutput(int handle, bool active, std::string* error) override {
    if (handle < 0 || handle >= static_cast<int>(lines_.size()) || lines_[handle].read_fd >= 0) {
      *error = "output handle " + std::to_string(handle) + " was never requested";
      return false;
    }
    SimLine& line = lines_[handle];
    line.level = active != line.cfg.active_low;
    std::string why;
    if (!WriteSimLevel(line.paths.value, line.level, &why)) {
      *error = LineLabel(line.cfg) + ": " + why;
      return false;
    }
    return true;
  }

 private:
  static std::string KeyOf(const SimLine& line) {
    std::string key, ignored;
    SimLineKey(line.cfg.line, &key, &ignored);
    return key;
  }

  // Creates the line's directory and takes its lock; a held lock means busy.
  bool Hold(const GpioLineConfig& cfg, const std::string& consumer, SimLine* line,
            std::string* error) {
    line->cfg = cfg;
    std::string key, why;
    if (!SimLineKey(cfg.line, &key, &why)) {
      *error = LineLabel(cfg) + ": " + why;
      return false;
    }
    line->paths = SimPaths(root_, cfg.chip, key);
    if (!MakeDirs(line->paths.dir, &why)) {
      *error = LineLabel(cfg) + ": " + why;
      return false;
    }
    line->lock_fd = open(line->paths.consumer.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0664);
    if (line->lock_fd < 0) {
      *error =
          LineLabel(cfg) + ": cannot open " + line->paths.consumer + ": " + std::strerror(errno);
      return false;
    }
    if (flock(line->lock_fd, LOCK_EX | LOCK_NB) != 0) {
      std::string holder = SimLineConsumer(root_, cfg.chip, key);
      close(line->lock_fd);
      line->lock_fd = -1;
      *error = LineLabel(cfg) + ": busy (used by '" + (holder.empty() ? "unknown" : holder) + "')";
      return false;
    }
    const std::string text = consumer + "\n";
    if (ftruncate(line->lock_fd, 0) != 0 ||
        pwrite(line->lock_fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
      return Fail(line, "cannot write " + line->paths.consumer + ": " + std::strerror(errno),
                  error);
    }
    return true;
  }

  static bool Fail(SimLine* line, const std::string& why, std::string* error) {
    *error = LineLabel(line->cfg) + ": " + why;
    CloseIfOpen(line->read_fd);
    CloseIfOpen(line->write_fd);
    CloseIfOpen(line->lock_fd);
    line->read_fd = line->write_fd = line->lock_fd = -1;
    return false;
  }

  SimLine* FindInput(int fd) {
    for (SimLine& line : lines_) {
      if (line.read_fd == fd) return &line;
    }
    return nullptr;
  }

  std::string root_;
  MonoClock clock_;
  std::vector<SimLine> lines_;  // index = output handle
};

}  // namespace

std::unique_ptr<LineBackend> MakeSimBackend(std::string dir, MonoClock clock) {
  return std::make_unique<SimBackend>(std::move(dir), std::move(clock));
}

}  // namespace homesec
