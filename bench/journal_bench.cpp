// Measures what the input journal costs (docs/performance.md, "Input journal cost"): bytes per
// journaled input and the commit time with the journal against without it, in one run on the
// same disk. A real Panel is fed a day-like mix of inputs (doors and motion, battery and link
// reports, arming and disarming, an alarm); each decision is committed as homesecd commits it,
// once into a store with the journal rows and once into a store without, alternating so both see
// the same disk state. Not part of the test suite. From the repo root:
//
//   cmake --build build --target homesec-journal-bench
//   build/bench/homesec-journal-bench /var/tmp 4000
//
// Arguments: directory for the two temporary databases (default /var/tmp) and the number of
// inputs (default 4000).
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "rules/codes.hpp"
#include "rules/input_json.hpp"
#include "rules/panel.hpp"
#include "store/store.hpp"

namespace {

using namespace homesec;

PanelConfig BenchConfig() {
  static constexpr std::array<std::uint8_t, 8> kSalt{1, 2, 3, 4, 5, 6, 7, 8};
  PanelConfig config;
  config.hub_id = "hub-bench";
  const auto zone = [](std::string id, int number, ZoneType type, std::string property) {
    ZoneConfig z;
    z.id = id;
    z.number = number;
    z.name = id;
    z.type = type;
    z.device = id;
    z.property = std::move(property);
    return z;
  };
  config.zones = {zone("front_door", 1, ZoneType::kEntryExit, "contact"),
                  zone("hall_pir", 2, ZoneType::kEntryFollower, "occupancy"),
                  zone("kitchen_window", 3, ZoneType::kPerimeter, "contact"),
                  zone("living_pir", 4, ZoneType::kInterior, "occupancy"),
                  zone("smoke", 5, ZoneType::kFire24h, "smoke")};
  for (const ZoneConfig& z : config.zones)
    config.devices.push_back({z.device, Seconds{0}, Seconds{60}});
  User anna;
  anna.number = 1;
  anna.name = "anna";
  anna.role = Role::kMaster;
  anna.pin_hash = HashPin("1234", kSalt, 1000);
  config.users = {anna};
  return config;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

long FileBytes(const std::string& path) {
  struct stat st {};
  long total = 0;
  for (const char* suffix : {"", "-wal"}) {
    if (stat((path + suffix).c_str(), &st) == 0) total += static_cast<long>(st.st_size);
  }
  return total;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir_arg = argc > 1 ? argv[1] : "/var/tmp";
  const int inputs = argc > 2 ? std::max(100, atoi(argv[2])) : 4000;
  std::string pattern = dir_arg + "/homesec-journal-bench-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    return 1;
  }
  const std::string with_path = pattern + "/with.db";
  const std::string without_path = pattern + "/without.db";
  std::string error;
  auto with = Store::Open(with_path, &error);
  auto without = Store::Open(without_path, &error);
  if (!with || !without) {
    std::fprintf(stderr, "store: %s\n", error.c_str());
    return 1;
  }
  const PanelConfig config = BenchConfig();
  Panel panel(config);
  Now now{MonoTime{} + Millis{3'600'000}, WallTime{Millis{1'795'000'000'000LL}}};
  const std::string config_text = PanelConfigToJson(config).dump();
  const std::string hash = ConfigHash(config_text);

  std::vector<double> with_ms;
  std::vector<double> without_ms;
  std::size_t journal_bytes = 0;
  std::size_t journaled = 0;
  std::size_t ticks_skipped = 0;
  JournalBatch pending;
  pending.configs = {{hash, config_text}};
  JournalRow restore;
  restore.kind = JournalKind::kRestore;
  restore.now = now;
  restore.config_hash = hash;
  restore.next_seq = panel.next_seq();
  restore.body = panel.Snapshot(now).dump();
  pending.rows.push_back(restore);

  const auto decide = [&](const Input& input) {
    const std::uint64_t next_seq = panel.next_seq();
    const bool tick = std::holds_alternative<Tick>(input);
    const nlohmann::json before = tick ? panel.Snapshot(now) : nlohmann::json();
    std::vector<Action> actions = panel.Handle(input, now);
    if (!tick || !actions.empty() || panel.Snapshot(now) != before) {
      JournalRow row;
      row.now = now;
      row.next_seq = next_seq;
      std::string owner;
      if (const auto* command = std::get_if<Command>(&input)) owner = CodeOwner(*command, actions);
      row.body = InputToJson(input, owner).dump();
      journal_bytes += row.body.size();
      ++journaled;
      pending.rows.push_back(std::move(row));
    } else {
      ++ticks_skipped;
    }
    if (actions.empty()) return;  // homesecd commits only decisions that did something
    std::vector<Event> events;
    for (const Action& a : actions) {
      if (const auto* r = std::get_if<RecordEvent>(&a)) events.push_back(r->event);
    }
    const PanelSnapshot snapshot = panel.SnapshotForStore(now);
    // Alternate which store goes first, so neither always meets a warm page cache.
    const bool with_first = with_ms.size() % 2 == 0;
    for (int pass = 0; pass < 2; ++pass) {
      const bool journal = (pass == 0) == with_first;
      const auto start = std::chrono::steady_clock::now();
      const bool ok =
          journal
              ? with->Commit(snapshot, events, pending, "hub-bench", Durability::kNormal, &error)
              : without->Commit(snapshot, events, "hub-bench", Durability::kNormal, &error);
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      if (!ok) {
        std::fprintf(stderr, "commit: %s\n", error.c_str());
        exit(1);
      }
      (journal ? with_ms : without_ms).push_back(ms);
    }
    panel.Stored(snapshot);
    pending = JournalBatch{};
  };

  panel.Start(now);
  const auto reading = [](std::string device, std::string property, Value value) {
    return Reading{std::move(device), std::move(property), std::move(value), false};
  };
  decide(reading("front_door", "contact", std::string("closed")));
  decide(reading("kitchen_window", "contact", std::string("closed")));
  decide(reading("hall_pir", "occupancy", false));
  decide(reading("living_pir", "occupancy", false));
  for (int i = 0; i < inputs; ++i) {
    now = now + Millis{20'000};
    const int step = i % 40;
    if (step == 0) {
      Command arm;
      arm.action = CommandAction::kArmAway;
      arm.code = "1234";
      arm.source = "homesecctl";
      arm.request_id = "a" + std::to_string(i);
      decide(arm);
    } else if (step == 10 || step == 11) {
      decide(reading("front_door", "contact", std::string(step == 10 ? "open" : "closed")));
    } else if (step == 12) {
      Command disarm;
      disarm.action = CommandAction::kDisarm;
      disarm.code = "1234";
      disarm.source = "homesecctl";
      disarm.request_id = "d" + std::to_string(i);
      decide(disarm);
    } else if (step % 3 == 0) {
      decide(reading("living_pir", "occupancy", step % 2 == 0));
    } else if (step % 3 == 1) {
      decide(reading("hall_pir", "battery", 80.0 - (i % 7)));
    } else {
      decide(Tick{});
    }
    if (const auto due = panel.NextDeadline(now); due && *due <= now.mono) decide(Tick{});
  }
  const JournalStats stats = with->JournalStatistics();
  const double med_with = Median(with_ms);
  const double med_without = Median(without_ms);
  std::printf("inputs fed: %d + 4, journaled: %zu, no-op ticks not journaled: %zu\n", inputs,
              journaled, ticks_skipped);
  std::printf("journal: %zu rows, %.1f bytes of body per journaled input (%zu config bytes once)\n",
              stats.rows, journaled ? static_cast<double>(journal_bytes) / journaled : 0.0,
              stats.config_bytes);
  std::printf("database file + WAL: with journal %ld bytes, without %ld bytes\n",
              FileBytes(with_path), FileBytes(without_path));
  std::printf("commits: %zu each; median with journal %.3f ms, without %.3f ms, ratio %.2f\n",
              with_ms.size(), med_with, med_without, med_without > 0 ? med_with / med_without : 0);
  with.reset();
  without.reset();
  for (const std::string& path : {with_path, without_path}) {
    for (const char* suffix : {"", "-wal", "-shm", "-seqmark"}) unlink((path + suffix).c_str());
  }
  rmdir(pattern.c_str());
  return 0;
}
