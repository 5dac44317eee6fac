// Replaying the input journal (rules/input_json.hpp) through the pure core: `homesecctl explain`
// replays from the nearest checkpoint to an event and says what led to it; `homesecctl dry-run`
// replays the same inputs through a panel built from another config and lists what would have
// happened differently. Pure: the caller reads the rows from the store.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "rules/input_json.hpp"
#include "rules/panel.hpp"

namespace homesec {

// The config stored under a hash (nullopt and `error` when it is missing or unreadable).
using ConfigLookup =
    std::function<std::optional<PanelConfig>(const std::string& hash, std::string* error)>;

// What one journal entry (or, self-ticking, one deadline the replay reached itself) did.
struct ReplayStep {
  const JournalEntry* entry = nullptr;  // null: a tick of the replay's own
  Now now{};
  std::vector<Action> actions;
};

class Replay {
 public:
  // Starts from a restore or checkpoint entry. `replacement`: replay with this config instead
  // of the recorded ones (its users and hub id still the recorded ones: they live in the store);
  // the replay then ticks at its own deadlines (`self_ticking`) and ignores the recorded ticks,
  // which were the recorded panel's.
  static std::optional<Replay> Begin(const JournalEntry& start, ConfigLookup lookup,
                                     std::optional<PanelConfig> replacement, bool self_ticking,
                                     std::string* error);
  // Applies one entry (after the start); false and `error` when its config cannot be read.
  bool Apply(const JournalEntry& entry, std::vector<ReplayStep>* steps, std::string* error);
  const Panel& panel() const { return *panel_; }
  // The config in effect (PIN hashes replaced, see ForReplay).
  const PanelConfig& config() const { return panel_->config(); }

 private:
  Replay(ConfigLookup lookup, std::optional<PanelConfig> replacement, bool self_ticking);
  std::optional<PanelConfig> ConfigFor(const std::string& hash, std::string* error);
  void TickUntil(MonoTime until, std::vector<ReplayStep>* steps);

  ConfigLookup lookup_;
  std::optional<PanelConfig> replacement_;
  bool self_ticking_ = false;
  std::optional<Panel> panel_;
  Now last_{};
};

// ---- explain -------------------------------------------------------------------------------

struct ExplainedReading {
  std::string zone;  // the zone the reading belongs to (empty: none)
  std::string device;
  std::string property;
  std::string value;  // "open", "true", "42", "unknown"
  WallTime time{};
  std::string role;  // "tripped it", "started the entry delay", "first of the cross-zone group"
};

struct ExplainedDelay {
  std::string kind;  // "exit" | "entry"
  Seconds length{0};
  WallTime started{};
  std::string outcome;  // "ran out", "armed", "disarmed", "still running"
};

struct Explanation {
  Event recorded;
  // The number the event is shown with (`homesecctl events`' SEQ, which leaves silent events
  // out); the replay itself works with recorded.seq.
  std::uint64_t shown_seq = 0;
  std::optional<Event> replayed;
  bool reproduced = false;
  std::string mismatch;         // why the replay differs, when it does
  Mode mode = Mode::kDisarmed;  // the panel's mode just before the event's input
  WallTime mode_since{};
  Mode armed_mode = Mode::kDisarmed;
  std::string armed_by;
  std::optional<WallTime> armed_at;
  std::vector<ExplainedReading> readings;
  std::vector<ExplainedDelay> delays;
  std::vector<std::string> could_disarm;  // "alice (master)"
  std::vector<std::string> decisions;     // zone type, bypass, cross-zone, swinger lines
  std::size_t replayed_entries = 0;
  WallTime replay_from{};
};

// Replays `entries` (entries.front() a restore or checkpoint) until the step that produces
// `recorded.seq`, and explains it. nullopt and `error` when the replay cannot be done; a replay
// that does not reproduce the event is an Explanation with reproduced false and `mismatch`.
std::optional<Explanation> Explain(const std::vector<JournalEntry>& entries, const Event& recorded,
                                   const ConfigLookup& lookup, std::string* error);
nlohmann::json ExplanationToJson(const Explanation& explanation);
std::string FormatExplanation(const Explanation& explanation);

// ---- dry run -------------------------------------------------------------------------------

struct DryRunDifference {
  WallTime time{};
  std::string kind;  // "alarm_not_raised", "alarm_raised", "delay_changed", "delay_removed",
                     // "delay_added", "zone_changed"
  std::string zone;
  std::string text;  // one line
};

struct DryRunResult {
  WallTime from{};
  WallTime to{};
  std::size_t entries = 0;
  std::size_t recorded_alarms = 0;
  std::size_t new_alarms = 0;
  std::vector<DryRunDifference> differences;
};

// Replays `entries` through the recorded configs and through `candidate` (both ticking at their
// own deadlines, so the two replays differ only by the config) and compares them.
std::optional<DryRunResult> DryRun(const std::vector<JournalEntry>& entries,
                                   const PanelConfig& candidate, const ConfigLookup& lookup,
                                   std::string* error);
nlohmann::json DryRunToJson(const DryRunResult& result);
std::string FormatDryRun(const DryRunResult& result);

}  // namespace homesec
