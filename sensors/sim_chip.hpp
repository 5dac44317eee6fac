// The simulated GPIO chip's on-disk layout, shared by the simulated backend (sim.cpp), the
// homesec-simgpio tool and tests. A chip is a directory; each line a subdirectory:
//
//   <root>/<chip>/<line>/value     physical level "0" or "1" (inputs: set from outside; outputs:
//                                  written by the holder). Kept up to date by the holder.
//   <root>/<chip>/<line>/edges     FIFO, created by the holder of an input line: write "0\n" or
//                                  "1\n" to change the level live. One pollable fd per line.
//   <root>/<chip>/<line>/consumer  the holder's name; flock()ed while held (busy detection).
//
// <line> is the offset ("17") or a line name ("front_door"). <root> is SimDir() by default.
#pragma once

#include <optional>
#include <string>
#include <variant>

namespace homesec {

struct SimLinePaths {
  std::string dir;
  std::string value;
  std::string edges;
  std::string consumer;
};

// The directory name of a line: the offset in decimal or the name. False (with a message) for
// names that cannot be a directory name (empty, '/', leading '.').
bool SimLineKey(const std::variant<int, std::string>& line, std::string* key, std::string* error);

SimLinePaths SimPaths(const std::string& root, const std::string& chip, const std::string& key);

// Sets an input line's physical level from outside the process: through the edges FIFO when a
// process holds the line (it sees an edge and mirrors the value), else straight into the value
// file (read as the initial level when the line is next requested).
bool DriveSimLine(const std::string& root, const std::string& chip, const std::string& key,
                  bool level, std::string* error);

// The physical level in the value file; nullopt when the line was never set.
std::optional<bool> ReadSimLevel(const std::string& root, const std::string& chip,
                                 const std::string& key);

// Who holds the line (empty when free).
std::string SimLineConsumer(const std::string& root, const std::string& chip,
                            const std::string& key);

// Creates `path` and its parents (as mkdir -p, under the umask); false with the reason on failure.
bool MakeDirs(const std::string& path, std::string* error);

// Replaces the value file atomically (write + rename) so readers never see it empty.
bool WriteSimLevel(const std::string& value_path, bool level, std::string* error);

}  // namespace homesec
