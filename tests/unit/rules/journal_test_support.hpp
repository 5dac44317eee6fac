// Test support for the input journal: a Recorder that journals a panel as homesecd does, the
// inputs the replay tests feed it, and the replay of a recorded journal.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rules/input_json.hpp"
#include "rules/journal_replay.hpp"
#include "tests/unit/rules/panel_test_support.hpp"

namespace homesec::test {

// Records a panel as homesecd does (daemon/app.cpp): every input with its Now, a tick only when
// it changed something, the config by hash, a restore row at each start, PINs as their owner.
class Recorder {
 public:
  explicit Recorder(PanelConfig config, Now now) : panel_(config) {
    Configure(config);
    State(JournalKind::kRestore, now);
    Row(JournalKind::kStart, now, "");
    Keep(panel_.Start(now));
  }
  std::vector<Action> Handle(const Input& input, Now now) {
    const std::uint64_t next_seq = panel_.next_seq();
    if (std::holds_alternative<Tick>(input)) {
      const nlohmann::json before = panel_.Snapshot(now);
      std::vector<Action> actions = panel_.Handle(input, now);
      if (!actions.empty() || panel_.Snapshot(now) != before) {
        Row(JournalKind::kInput, now, InputToJson(input).dump(), next_seq);
      }
      return Keep(std::move(actions));
    }
    std::vector<Action> actions = panel_.Handle(input, now);
    std::string owner;
    if (const auto* command = std::get_if<Command>(&input)) owner = CodeOwner(*command, actions);
    Row(JournalKind::kInput, now, InputToJson(input, owner).dump(), next_seq);
    return Keep(std::move(actions));
  }
  // Ticks at every deadline up to `until`, as the daemon's timer does.
  void RunUntil(Now& now, Now until) {
    for (int i = 0; i < 10000; ++i) {
      const auto due = panel_.NextDeadline(now);
      if (!due || *due > until.mono) break;
      now = Now{*due, now.wall + (*due - now.mono)};
      Handle(Tick{}, now);
    }
    now = until;
  }
  void Reconfigure(PanelConfig config, Now now) {
    Configure(config);
    Row(JournalKind::kReconfigure, now, "", panel_.next_seq(), hash_);
    Keep(panel_.Reconfigure(std::move(config), now));
  }
  // homesecd stopped and started again `down` later (the monotonic clock jumps too).
  void Restart(Now& now, Millis down) {
    const nlohmann::json saved = panel_.Snapshot(now);
    now = now + down;
    std::string error;
    panel_ = Panel::Restore(panel_.config(), saved, now, &error);
    REQUIRE(error.empty());
    State(JournalKind::kRestore, now);
    Row(JournalKind::kStart, now, "");
    Keep(panel_.Start(now));
  }
  std::vector<JournalEntry> Entries(std::size_t from = 0) const {
    std::vector<JournalEntry> entries;
    for (std::size_t i = from; i < rows_.size(); ++i) {
      std::string error;
      auto entry = ParseJournalRow(rows_[i], &error);
      REQUIRE_MESSAGE(entry, error);
      entries.push_back(std::move(*entry));
    }
    return entries;
  }
  ConfigLookup Lookup() const {
    return [this](const std::string& hash, std::string* error) -> std::optional<PanelConfig> {
      const auto it = configs_.find(hash);
      if (it == configs_.end()) {
        *error = "missing config";
        return std::nullopt;
      }
      return PanelConfigFromJson(nlohmann::json::parse(it->second), error);
    };
  }
  const std::vector<Event>& events() const { return events_; }
  std::optional<Event> Last(const std::string& type) const {
    for (auto it = events_.rbegin(); it != events_.rend(); ++it) {
      if (it->type == type) return *it;
    }
    return std::nullopt;
  }
  const std::vector<JournalRow>& rows() const { return rows_; }

 private:
  void Configure(const PanelConfig& config) {
    const std::string text = PanelConfigToJson(config).dump();
    hash_ = ConfigHash(text);
    configs_[hash_] = text;
  }
  void State(JournalKind kind, Now now) {
    Row(kind, now, panel_.Snapshot(now).dump(), panel_.next_seq(), hash_);
  }
  void Row(JournalKind kind, Now now, std::string body, std::uint64_t next_seq = 0,
           std::string hash = {}) {
    JournalRow row;
    row.id = static_cast<std::int64_t>(rows_.size() + 1);
    row.kind = kind;
    row.now = now;
    row.next_seq = next_seq == 0 ? panel_.next_seq() : next_seq;
    row.config_hash = std::move(hash);
    row.body = std::move(body);
    rows_.push_back(std::move(row));
  }
  std::vector<Action> Keep(std::vector<Action> actions) {
    for (const Event& e : Events(actions)) events_.push_back(e);
    return actions;
  }

  Panel panel_;
  std::string hash_;
  std::map<std::string, std::string> configs_;
  std::vector<JournalRow> rows_;
  std::vector<Event> events_;
};

inline Command Cmd(CommandAction action, std::optional<std::string> code, std::string request_id) {
  Command command;
  command.action = action;
  command.code = std::move(code);
  command.source = "homesecctl";
  command.request_id = std::move(request_id);
  return command;
}

inline Reading Read(std::string device, std::string property, Value value) {
  return Reading{std::move(device), std::move(property), std::move(value), false};
}

// Every event the replay of `entries` emits, in order.
inline std::vector<Event> ReplayedEvents(const std::vector<JournalEntry>& entries,
                                         const ConfigLookup& lookup) {
  std::string error;
  auto replay = Replay::Begin(entries.front(), lookup, std::nullopt, false, &error);
  REQUIRE_MESSAGE(replay, error);
  std::vector<Event> events;
  for (std::size_t i = 1; i < entries.size(); ++i) {
    std::vector<ReplayStep> steps;
    REQUIRE_MESSAGE(replay->Apply(entries[i], &steps, &error), error);
    for (const ReplayStep& step : steps) {
      for (const Event& e : Events(step.actions)) events.push_back(e);
    }
  }
  return events;
}

// Every zone of StandardConfig reports closed (or no motion): the house before it is armed.
inline void AllClosed(Recorder& recorder, Now& now) {
  recorder.Handle(Read("front_door", "contact", std::string("closed")), now);
  recorder.Handle(Read("kitchen_window", "latch", std::string("closed")), now);
  recorder.Handle(Read("hall_pir", "occupancy", false), now);
  recorder.Handle(Read("living_pir", "occupancy", false), now);
}

// anna arms away and leaves: the exit delay has long run out.
inline Recorder ArmedAway(const PanelConfig& config, Now& now) {
  Recorder recorder(config, now);
  AllClosed(recorder, now);
  recorder.Handle(Cmd(CommandAction::kArmAway, "1234", "r1"), now);
  recorder.RunUntil(now, now + minutes(2));
  return recorder;
}

// The away alarm every replay test starts from: anna arms away, leaves, the front door opens
// 2 minutes later, nobody disarms, the entry delay runs out.
inline Recorder AwayAlarm(const PanelConfig& config, Now& now) {
  Recorder recorder = ArmedAway(config, now);
  recorder.Handle(Read("front_door", "contact", std::string("open")), now);
  recorder.RunUntil(now, now + seconds(45));
  return recorder;
}

// explain of `event` from the recorder's journal; the explanation must exist.
inline Explanation ExplainOf(const Recorder& recorder, const Event& event) {
  std::string error;
  std::optional<Explanation> e = Explain(recorder.Entries(), event, recorder.Lookup(), &error);
  REQUIRE_MESSAGE(e, error);
  return std::move(*e);
}

}  // namespace homesec::test
