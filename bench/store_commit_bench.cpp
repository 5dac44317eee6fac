// Measures the cost of Store::Commit as the daemon calls it (the panel row, one changed zone row
// and one reportable event) with synchronous=NORMAL and synchronous=FULL, on the file system that
// holds the given directory. Not part of the test suite: results depend on the disk. Built by CMake
// (bench/CMakeLists.txt); from the repo root:
//
//   cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
//   cmake --build build --target homesec-store-commit-bench
//   build/bench/homesec-store-commit-bench /var/tmp 2000
//
// Arguments: directory for the temporary database (default /var/tmp: a real disk, unlike a
// tmpfs /tmp where fsync costs nothing) and the number of commits per mode (default 2000).
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace {

using homesec::Durability;
using homesec::Event;

Event MakeEvent(std::uint64_t seq) {
  Event e;
  e.seq = seq;
  e.time = homesec::WallTime(homesec::Millis(1'795'000'000'000LL + static_cast<long long>(seq)));
  e.category = homesec::EventCategory::kAlarm;
  e.priority = homesec::Priority::kCritical;
  e.type = "burglary";
  e.zone = "hall_door";
  e.device = "hall_door_contact";
  e.mode = homesec::Mode::kArmedAway;
  e.cid = homesec::ContactId{1, 130, 1, 3};
  e.text = "Burglary: hall door";
  return e;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto index = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
  return v[index];
}

bool Run(homesec::Store& store, Durability durability, int commits, std::uint64_t& seq,
         const char* label) {
  std::vector<double> ms;
  ms.reserve(static_cast<std::size_t>(commits));
  homesec::PanelSnapshot snapshot;
  snapshot.panel = {{"mode", "armed_away"}};
  snapshot.zones = {{"hall_door", R"({"active":true})"}};
  for (int i = 0; i < commits; ++i) {
    const std::vector<Event> events{MakeEvent(++seq)};
    std::string error;
    const auto start = std::chrono::steady_clock::now();
    if (!store.Commit(snapshot, events, "hub-bench", durability, &error)) {
      std::fprintf(stderr, "commit failed: %s\n", error.c_str());
      return false;
    }
    const auto end = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::printf("%-7s commits=%d p50=%.3f ms p90=%.3f ms p99=%.3f ms max=%.3f ms\n", label, commits,
              Percentile(ms, 0.5), Percentile(ms, 0.9), Percentile(ms, 0.99), Percentile(ms, 1.0));
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string base = argc > 1 ? argv[1] : "/var/tmp";
  const int commits = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2000;
  std::string dir = base + "/homesec-bench-XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string path = dir + "/bench.db";
  std::string error;
  auto store = homesec::Store::Open(path, &error);
  if (store == nullptr) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  std::printf("database: %s\n", path.c_str());
  std::uint64_t seq = 0;
  bool ok = Run(*store, Durability::kNormal, commits, seq, "NORMAL") &&
            Run(*store, Durability::kFull, commits, seq, "FULL");
  store.reset();
  for (const char* suffix : {"", "-wal", "-shm"}) unlink((path + suffix).c_str());
  rmdir(dir.c_str());
  return ok ? 0 : 1;
}
