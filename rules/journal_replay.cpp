// Replaying the input journal: explain and dry run (rules/journal_replay.hpp).
#include "rules/journal_replay.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace homesec {
namespace {

using nlohmann::json;

// A replay that never settles (a deadline that does not move) stops here instead of spinning.
constexpr int kMaxTicksPerGap = 100000;

std::string ValueText(const Value& value) {
  return std::visit(
      [](const auto& v) -> std::string {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return "unknown";
        } else if constexpr (std::is_same_v<T, bool>) {
          return v ? "true" : "false";
        } else if constexpr (std::is_same_v<T, double>) {
          std::ostringstream out;
          out << v;
          return out.str();
        } else {
          return v;
        }
      },
      value);
}

// The zone a reading is the state of (its device and the property the zone watches).
const ZoneConfig* ZoneOf(const PanelConfig& config, const Reading& reading) {
  for (const ZoneConfig& zone : config.zones) {
    const std::string property = zone.property.empty() ? DefaultProperty(zone.type) : zone.property;
    if (zone.device == reading.device && property == reading.property) return &zone;
  }
  return nullptr;
}

const ZoneConfig* FindZone(const PanelConfig& config, const std::string& id) {
  for (const ZoneConfig& zone : config.zones) {
    if (zone.id == id) return &zone;
  }
  return nullptr;
}

std::string Secs(Seconds s) {
  return std::to_string(s.count()) + " s";
}

std::string ModesText(const std::set<Mode>& modes) {
  if (modes.empty()) return "no mode";
  std::string out;
  for (const Mode mode : modes) out += (out.empty() ? "" : ", ") + std::string(ToString(mode));
  return out;
}

}  // namespace

// ---- Replay --------------------------------------------------------------------------------

Replay::Replay(ConfigLookup lookup, std::optional<PanelConfig> replacement, bool self_ticking)
    : lookup_(std::move(lookup)),
      replacement_(std::move(replacement)),
      self_ticking_(self_ticking) {}

std::optional<PanelConfig> Replay::ConfigFor(const std::string& hash, std::string* error) {
  std::optional<PanelConfig> recorded = lookup_(hash, error);
  if (!recorded) return std::nullopt;
  if (!replacement_) return ForReplay(std::move(*recorded));
  PanelConfig config = *replacement_;
  config.hub_id = recorded->hub_id;
  config.users = recorded->users;
  return ForReplay(std::move(config));
}

std::optional<Replay> Replay::Begin(const JournalEntry& start, ConfigLookup lookup,
                                    std::optional<PanelConfig> replacement, bool self_ticking,
                                    std::string* error) {
  if (start.row.kind != JournalKind::kRestore && start.row.kind != JournalKind::kCheckpoint) {
    if (error != nullptr) *error = "a replay starts at a restore or checkpoint row";
    return std::nullopt;
  }
  Replay replay(std::move(lookup), std::move(replacement), self_ticking);
  std::optional<PanelConfig> config = replay.ConfigFor(start.row.config_hash, error);
  if (!config) return std::nullopt;
  std::string restore_error;
  replay.panel_.emplace(
      Panel::Restore(std::move(*config), start.snapshot, start.row.now, &restore_error));
  if (!restore_error.empty()) {
    if (error != nullptr) {
      *error = "journal row " + std::to_string(start.row.id) + ": " + restore_error;
    }
    return std::nullopt;
  }
  replay.last_ = start.row.now;
  return replay;
}

void Replay::TickUntil(MonoTime until, std::vector<ReplayStep>* steps) {
  for (int i = 0; i < kMaxTicksPerGap; ++i) {
    const std::optional<MonoTime> due = panel_->NextDeadline(last_);
    if (!due || *due > until) return;
    const MonoTime at = std::max(*due, last_.mono);
    const Now now{at, last_.wall + (at - last_.mono)};
    std::vector<Action> actions = panel_->Handle(Tick{}, now);
    last_ = now;
    if (steps != nullptr && !actions.empty()) steps->push_back({nullptr, now, std::move(actions)});
  }
}

bool Replay::Apply(const JournalEntry& entry, std::vector<ReplayStep>* steps, std::string* error) {
  const Now now = entry.row.now;
  std::vector<Action> actions;
  switch (entry.row.kind) {
    case JournalKind::kRestore: {
      std::optional<PanelConfig> config = ConfigFor(entry.row.config_hash, error);
      if (!config) return false;
      std::string restore_error;
      // The recorded replay resumes from what homesecd resumed from; a replay with another config
      // resumes from its own state, as homesecd would have with that config.
      const nlohmann::json snapshot = replacement_ ? panel_->Snapshot(last_) : entry.snapshot;
      panel_.emplace(Panel::Restore(std::move(*config), snapshot, now, &restore_error));
      if (replacement_) panel_->SkipSeqsBelow(entry.row.next_seq);
      if (!restore_error.empty()) {
        if (error != nullptr) {
          *error = "journal row " + std::to_string(entry.row.id) + ": " + restore_error;
        }
        return false;
      }
      last_ = now;
      return true;
    }
    case JournalKind::kCheckpoint:
      if (self_ticking_) TickUntil(now.mono, steps);
      if (now.mono >= last_.mono) last_ = now;
      return true;
    case JournalKind::kStart:
      if (self_ticking_) TickUntil(now.mono, steps);
      actions = panel_->Start(now);
      break;
    case JournalKind::kReconfigure: {
      if (self_ticking_) TickUntil(now.mono, steps);
      std::optional<PanelConfig> config = ConfigFor(entry.row.config_hash, error);
      if (!config) return false;
      actions = panel_->Reconfigure(std::move(*config), now);
      break;
    }
    case JournalKind::kInput:
      if (!entry.input) {
        if (error != nullptr) *error = "journal row " + std::to_string(entry.row.id) + ": no input";
        return false;
      }
      if (self_ticking_) {
        TickUntil(now.mono, steps);
        if (std::holds_alternative<Tick>(*entry.input)) {
          if (now.mono >= last_.mono) last_ = now;
          return true;
        }
      }
      actions = panel_->Handle(*entry.input, now);
      break;
  }
  last_ = now;
  if (steps != nullptr) steps->push_back({&entry, now, std::move(actions)});
  return true;
}

// ---- explain -------------------------------------------------------------------------------

std::optional<Explanation> Explain(const std::vector<JournalEntry>& entries, const Event& recorded,
                                   const ConfigLookup& lookup, std::string* error) {
  if (entries.empty()) {
    if (error != nullptr) *error = "the journal is empty";
    return std::nullopt;
  }
  std::optional<Replay> replay = Replay::Begin(entries.front(), lookup, std::nullopt, false, error);
  if (!replay) return std::nullopt;
  Explanation out;
  out.recorded = recorded;
  out.shown_seq = recorded.seq;
  out.replay_from = entries.front().row.now.wall;
  out.mode = replay->panel().mode();
  out.mode_since = entries.front().row.now.wall;
  out.armed_mode = replay->panel().armed_mode();

  std::vector<ExplainedReading> pending_trips;  // the reading that started the running delay
  std::map<std::string, ExplainedReading> group_first;  // cross-zone: the group's first alarm
  std::map<std::string, int> zone_alarms;               // alarms per zone since arming
  std::set<std::string> swinger_shut;                   // zones the swinger limit shut down
  std::vector<std::string> bypassed_before;

  for (std::size_t i = 1; i < entries.size(); ++i) {
    const JournalEntry& entry = entries[i];
    const Mode mode_before = out.mode;
    const WallTime since_before = out.mode_since;
    bypassed_before.clear();
    for (const ZoneConfig& zone : replay->config().zones) {
      if (const auto view = replay->panel().zone_view(zone.id); view && view->bypassed) {
        bypassed_before.push_back(zone.id);
      }
    }
    std::vector<ReplayStep> steps;
    if (!replay->Apply(entry, &steps, error)) return std::nullopt;
    ++out.replayed_entries;
    const Reading* reading = entry.input ? std::get_if<Reading>(&*entry.input) : nullptr;
    std::optional<ExplainedReading> this_reading;
    if (reading != nullptr) {
      const ZoneConfig* zone = ZoneOf(replay->config(), *reading);
      this_reading =
          ExplainedReading{zone ? zone->id : std::string(), reading->device,    reading->property,
                           ValueText(reading->value),       entry.row.now.wall, ""};
    }
    for (const ReplayStep& step : steps) {
      std::optional<Event> target;
      for (const Action& action : step.actions) {
        if (const auto* state = std::get_if<StateChanged>(&action)) {
          if (state->mode != out.mode) {
            out.mode = state->mode;
            out.mode_since = step.now.wall;
          }
          out.armed_mode = state->armed_mode;
          if ((state->mode == Mode::kArming || state->mode == Mode::kPending) &&
              state->delay_remaining.count() > 0 &&
              (out.delays.empty() || out.delays.back().outcome != "still running" ||
               out.delays.back().kind != (state->mode == Mode::kArming ? "exit" : "entry"))) {
            out.delays.push_back({state->mode == Mode::kArming ? "exit" : "entry",
                                  state->delay_remaining, step.now.wall, "still running"});
            if (state->mode == Mode::kPending && this_reading) {
              pending_trips = {*this_reading};
              pending_trips.back().role = "started the entry delay";
            }
          } else if (!out.delays.empty() && out.delays.back().outcome == "still running" &&
                     state->mode != Mode::kArming && state->mode != Mode::kPending) {
            out.delays.back().outcome = state->mode == Mode::kDisarmed    ? "disarmed"
                                        : state->mode == Mode::kTriggered ? "ran out: alarm"
                                                                          : "ran out: armed";
          }
        }
        const auto* record = std::get_if<RecordEvent>(&action);
        if (record == nullptr) continue;
        const Event& event = record->event;
        if (event.seq == recorded.seq) target = event;
        if (event.silent) continue;  // never shown locally, nor is anything derived from it
        if (event.category == EventCategory::kArming) {
          out.armed_by = event.user;
          out.armed_at = event.time;
          zone_alarms.clear();
          swinger_shut.clear();
          group_first.clear();
          out.delays.erase(
              std::remove_if(out.delays.begin(), out.delays.end(),
                             [](const ExplainedDelay& d) { return d.kind == "entry"; }),
              out.delays.end());
        } else if (event.category == EventCategory::kDisarming && event.seq != recorded.seq) {
          out.armed_by.clear();
          out.armed_at.reset();
          out.delays.clear();
          pending_trips.clear();
          zone_alarms.clear();
          swinger_shut.clear();
          group_first.clear();
        }
        if (event.type == "swinger_shutdown") swinger_shut.insert(event.zone);
        // recent_closing (459) reports when an alarm came, it is not an alarm of the zone's own.
        if (event.category == EventCategory::kAlarm && !event.zone.empty() &&
            event.type != "recent_closing") {
          ++zone_alarms[event.zone];
          const ZoneConfig* zone = FindZone(replay->config(), event.zone);
          if (zone != nullptr && !zone->cross_zone_group.empty() &&
              event.type == "burglary_unconfirmed" && event.seq != recorded.seq) {
            ExplainedReading first = this_reading.value_or(
                ExplainedReading{event.zone, event.device, "", "", event.time, ""});
            first.zone = event.zone;
            first.time = event.time;
            first.role = "first of cross-zone group " + zone->cross_zone_group;
            group_first[zone->cross_zone_group] = first;
          }
        }
      }
      if (!target) continue;

      // The step that produced the event: the chain up to it.
      out.replayed = *target;
      out.mode = mode_before;
      out.mode_since = since_before;
      out.reproduced = target->type == recorded.type && target->zone == recorded.zone &&
                       target->seq == recorded.seq && target->category == recorded.category;
      if (!out.reproduced) {
        out.mismatch = "the replay produced " + target->type +
                       (target->zone.empty() ? "" : " (" + target->zone + ")") +
                       " in its place, the log has " + recorded.type +
                       (recorded.zone.empty() ? "" : " (" + recorded.zone + ")");
      }
      if (this_reading) {
        this_reading->role = "tripped it";
        out.readings.push_back(*this_reading);
      } else if (entry.input && std::holds_alternative<Tick>(*entry.input)) {
        for (ExplainedReading r : pending_trips) out.readings.push_back(std::move(r));
      }
      const PanelConfig& config = replay->config();
      if (const ZoneConfig* zone = FindZone(config, recorded.zone)) {
        const Mode armed = out.armed_mode;
        std::string type_line = "zone " + zone->id + " is " + std::string(ToString(zone->type));
        if (zone->type == ZoneType::kEntryExit) {
          type_line += ": delayed, entry delay " + Secs(config.TimingFor(armed).entry_delay) +
                       " in " + std::string(ToString(armed));
        } else if (zone->type == ZoneType::kEntryFollower) {
          type_line += ": delayed only while an entry delay runs";
        } else if (Is24Hour(zone->type)) {
          type_line += ": active in every mode";
        } else {
          type_line += ": instant";
        }
        out.decisions.push_back(type_line);
        if (!Is24Hour(zone->type)) {
          const bool configured = zone->bypass_in.contains(armed);
          out.decisions.push_back("bypass: " + zone->id + " is bypassed by the config in " +
                                  ModesText(zone->bypass_in) +
                                  (configured ? " (including " : " (not in ") +
                                  std::string(ToString(armed)) + ")");
        }
        if (!bypassed_before.empty()) {
          std::string list;
          for (const std::string& id : bypassed_before) list += (list.empty() ? "" : ", ") + id;
          out.decisions.push_back("bypassed at the time: " + list);
        }
        if (!zone->cross_zone_group.empty()) {
          const auto first = group_first.find(zone->cross_zone_group);
          if (recorded.type == "intrusion_confirmed" && first != group_first.end()) {
            out.decisions.push_back("cross-zone group " + zone->cross_zone_group + " (window " +
                                    Secs(config.cross_zone_window) + "): confirmed, " +
                                    first->second.zone + " alarmed first at " +
                                    FormatRfc3339(first->second.time));
            out.readings.insert(out.readings.begin(), first->second);
          } else {
            out.decisions.push_back("cross-zone group " + zone->cross_zone_group + " (window " +
                                    Secs(config.cross_zone_window) +
                                    "): first zone of the group, reported unconfirmed until a "
                                    "second zone of the group alarms");
          }
        }
        if (zone->swinger_limit > 0 && !Is24Hour(zone->type)) {
          out.decisions.push_back("swinger limit " + std::to_string(zone->swinger_limit) +
                                  ": alarm " + std::to_string(zone_alarms[zone->id]) + " of " +
                                  zone->id + " in this armed period" +
                                  (swinger_shut.contains(zone->id)
                                       ? " (the limit was reached: the zone is shut down until "
                                         "disarm)"
                                       : ""));
        }
      }
      // The code check's own rule (MayDisarm), the watch's keyholder included. A duress code
      // is left out: locally it passes itself off as the user it imitates, who is listed.
      for (const User& user : replay->panel().UsersWhoMayDisarm(recorded.time)) {
        if (user.role == Role::kDuress) continue;
        out.could_disarm.push_back(user.name + " (" + std::string(ToString(user.role)) + ")");
      }
      return out;
    }
  }
  out.mismatch = "the replay of " + std::to_string(out.replayed_entries) +
                 " journal entries did not produce this event";
  return out;
}

nlohmann::json ExplanationToJson(const Explanation& e) {
  json readings = json::array();
  for (const ExplainedReading& r : e.readings) {
    readings.push_back(json{{"zone", r.zone},
                            {"device", r.device},
                            {"property", r.property},
                            {"value", r.value},
                            {"time", FormatRfc3339(r.time)},
                            {"role", r.role}});
  }
  json delays = json::array();
  for (const ExplainedDelay& d : e.delays) {
    delays.push_back(json{{"kind", d.kind},
                          {"seconds", d.length.count()},
                          {"started", FormatRfc3339(d.started)},
                          {"outcome", d.outcome}});
  }
  json out{
      {"seq", e.recorded.seq},
      {"type", e.recorded.type},
      {"zone", e.recorded.zone},
      {"time", FormatRfc3339(e.recorded.time)},
      {"reproduced", e.reproduced},
      {"mode", std::string(ToString(e.mode))},
      {"mode_since", FormatRfc3339(e.mode_since)},
      {"armed_mode", std::string(ToString(e.armed_mode))},
      {"armed_by", e.armed_by},
      {"readings", std::move(readings)},
      {"delays", std::move(delays)},
      {"could_disarm", e.could_disarm},
      {"decisions", e.decisions},
      {"replay", json{{"from", FormatRfc3339(e.replay_from)}, {"entries", e.replayed_entries}}}};
  if (e.armed_at) out["armed_at"] = FormatRfc3339(*e.armed_at);
  if (!e.mismatch.empty()) out["mismatch"] = e.mismatch;
  return out;
}

std::string FormatExplanation(const Explanation& e) {
  std::ostringstream out;
  out << "event " << e.shown_seq << "  " << e.recorded.type
      << (e.recorded.zone.empty() ? "" : "  zone " + e.recorded.zone) << "  "
      << FormatRfc3339(e.recorded.time) << "\n";
  if (e.reproduced) {
    out << "replay:  reproduced exactly (" << e.replayed_entries << " journal entries from "
        << FormatRfc3339(e.replay_from) << ")\n";
  } else {
    out << "replay:  DOES NOT MATCH the log: " << e.mismatch << "\n";
  }
  out << "mode:    " << ToString(e.mode) << " since " << FormatRfc3339(e.mode_since) << "\n";
  if (e.armed_at) {
    out << "armed:   " << ToString(e.armed_mode) << " by "
        << (e.armed_by.empty() ? "(no code)" : e.armed_by) << " at " << FormatRfc3339(*e.armed_at)
        << "\n";
  }
  for (const ExplainedReading& r : e.readings) {
    out << "reading: " << (r.zone.empty() ? "" : "zone " + r.zone + ", ") << "device " << r.device
        << " " << r.property << "=" << r.value << " at " << FormatRfc3339(r.time) << " (" << r.role
        << ")\n";
  }
  for (const ExplainedDelay& d : e.delays) {
    out << "delay:   " << d.kind << " delay " << d.length.count() << " s from "
        << FormatRfc3339(d.started) << " (" << d.outcome << ")\n";
  }
  for (const std::string& line : e.decisions) out << "rule:    " << line << "\n";
  std::string users;
  for (const std::string& user : e.could_disarm) users += (users.empty() ? "" : ", ") + user;
  out << "could have disarmed: " << (users.empty() ? "nobody" : users) << "\n";
  return out.str();
}

// ---- dry run -------------------------------------------------------------------------------

namespace {

struct Observed {
  WallTime time{};
  std::string type;
  std::string zone;
  Seconds delay{0};  // delays only
};

// Per journal entry, what one replay did that a dry run compares: alarms and delays started.
struct EntryOutcome {
  std::vector<Observed> alarms;
  std::vector<Observed> delays;
};

bool Collect(Replay& replay, const std::vector<JournalEntry>& entries,
             std::vector<EntryOutcome>* out, std::size_t* alarms, std::string* error) {
  out->assign(entries.size(), {});
  for (std::size_t i = 1; i < entries.size(); ++i) {
    std::vector<ReplayStep> steps;
    if (!replay.Apply(entries[i], &steps, error)) return false;
    std::optional<std::string> reading_zone;
    if (entries[i].input) {
      if (const auto* reading = std::get_if<Reading>(&*entries[i].input)) {
        if (const ZoneConfig* zone = ZoneOf(replay.config(), *reading)) reading_zone = zone->id;
      }
    }
    for (const ReplayStep& step : steps) {
      // A tick of the replay's own belongs to the entry it precedes: the comparison is by the
      // input that led to it.
      for (const Action& action : step.actions) {
        if (const auto* record = std::get_if<RecordEvent>(&action)) {
          const Event& e = record->event;
          if (e.category == EventCategory::kAlarm && !e.silent) {
            (*out)[i].alarms.push_back({e.time, e.type, e.zone, Seconds{0}});
            ++*alarms;
          }
        } else if (const auto* state = std::get_if<StateChanged>(&action)) {
          if ((state->mode == Mode::kPending || state->mode == Mode::kArming) &&
              step.entry != nullptr && state->delay_remaining.count() > 0) {
            (*out)[i].delays.push_back({step.now.wall,
                                        state->mode == Mode::kPending ? "entry" : "exit",
                                        reading_zone.value_or(""), state->delay_remaining});
          }
        }
      }
    }
  }
  return true;
}

bool SameAlarm(const Observed& a, const Observed& b) {
  return a.type == b.type && a.zone == b.zone;
}

}  // namespace

std::optional<DryRunResult> DryRun(const std::vector<JournalEntry>& entries,
                                   const PanelConfig& candidate, const ConfigLookup& lookup,
                                   std::string* error) {
  if (entries.empty()) {
    if (error != nullptr) *error = "the journal is empty";
    return std::nullopt;
  }
  std::optional<Replay> recorded =
      Replay::Begin(entries.front(), lookup, std::nullopt, true, error);
  if (!recorded) return std::nullopt;
  std::optional<Replay> changed = Replay::Begin(entries.front(), lookup, candidate, true, error);
  if (!changed) return std::nullopt;
  DryRunResult result;
  result.from = entries.front().row.now.wall;
  result.to = entries.back().row.now.wall;
  result.entries = entries.size() - 1;
  std::vector<EntryOutcome> before;
  std::vector<EntryOutcome> after;
  if (!Collect(*recorded, entries, &before, &result.recorded_alarms, error) ||
      !Collect(*changed, entries, &after, &result.new_alarms, error)) {
    return std::nullopt;
  }
  // Alarms are matched as a whole (type and zone, in order): with a longer delay the same alarm
  // comes at a later tick, which is not a difference in what happened.
  std::vector<Observed> old_alarms;
  std::vector<Observed> new_alarms;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    old_alarms.insert(old_alarms.end(), before[i].alarms.begin(), before[i].alarms.end());
    new_alarms.insert(new_alarms.end(), after[i].alarms.begin(), after[i].alarms.end());
    // Delays are compared per input: the same input starts (or not) a delay of some length.
    const auto& a = before[i].delays;
    const auto& b = after[i].delays;
    for (std::size_t k = 0; k < std::max(a.size(), b.size()); ++k) {
      if (k < a.size() && k < b.size()) {
        if (a[k].type != b[k].type || a[k].delay != b[k].delay) {
          result.differences.push_back({a[k].time, "delay_changed", a[k].zone,
                                        a[k].type + " delay " + Secs(a[k].delay) +
                                            " would have been " + b[k].type + " delay " +
                                            Secs(b[k].delay) +
                                            (a[k].zone.empty() ? "" : " (" + a[k].zone + ")")});
        }
      } else if (k < a.size()) {
        result.differences.push_back({a[k].time, "delay_removed", a[k].zone,
                                      a[k].type + " delay " + Secs(a[k].delay) +
                                          " would not have run" +
                                          (a[k].zone.empty() ? "" : " (" + a[k].zone + ")")});
      } else {
        result.differences.push_back({b[k].time, "delay_added", b[k].zone,
                                      "a " + b[k].type + " delay of " + Secs(b[k].delay) +
                                          " would have run" +
                                          (b[k].zone.empty() ? "" : " (" + b[k].zone + ")")});
      }
    }
  }
  std::vector<bool> matched(new_alarms.size(), false);
  for (const Observed& old_alarm : old_alarms) {
    bool found = false;
    for (std::size_t k = 0; k < new_alarms.size() && !found; ++k) {
      if (!matched[k] && SameAlarm(old_alarm, new_alarms[k]) &&
          std::chrono::abs(new_alarms[k].time - old_alarm.time) <= Millis{3600 * 1000}) {
        matched[k] = true;
        found = true;
      }
    }
    if (!found) {
      result.differences.push_back({old_alarm.time, "alarm_not_raised", old_alarm.zone,
                                    old_alarm.type +
                                        (old_alarm.zone.empty() ? "" : " in " + old_alarm.zone) +
                                        " would not have been raised"});
    }
  }
  for (std::size_t k = 0; k < new_alarms.size(); ++k) {
    if (matched[k]) continue;
    result.differences.push_back(
        {new_alarms[k].time, "alarm_raised", new_alarms[k].zone,
         new_alarms[k].type + (new_alarms[k].zone.empty() ? "" : " in " + new_alarms[k].zone) +
             " would have been raised"});
  }
  // Zone types and configured bypasses that differ, for the zones the journal's readings touch.
  const PanelConfig& old_config = recorded->config();
  for (const ZoneConfig& zone : old_config.zones) {
    const ZoneConfig* other = FindZone(candidate, zone.id);
    if (other == nullptr) {
      result.differences.push_back(
          {result.to, "zone_changed", zone.id, "zone " + zone.id + " is not in the new config"});
      continue;
    }
    if (other->type != zone.type) {
      result.differences.push_back({result.to, "zone_changed", zone.id,
                                    "zone " + zone.id + " type " +
                                        std::string(ToString(zone.type)) + " -> " +
                                        std::string(ToString(other->type))});
    }
    if (other->bypass_in != zone.bypass_in) {
      result.differences.push_back({result.to, "zone_changed", zone.id,
                                    "zone " + zone.id + " bypassed in " +
                                        ModesText(zone.bypass_in) + " -> " +
                                        ModesText(other->bypass_in)});
    }
  }
  std::stable_sort(
      result.differences.begin(), result.differences.end(),
      [](const DryRunDifference& a, const DryRunDifference& b) { return a.time < b.time; });
  return result;
}

nlohmann::json DryRunToJson(const DryRunResult& r) {
  json differences = json::array();
  for (const DryRunDifference& d : r.differences) {
    differences.push_back(json{
        {"time", FormatRfc3339(d.time)}, {"kind", d.kind}, {"zone", d.zone}, {"text", d.text}});
  }
  return json{{"from", FormatRfc3339(r.from)}, {"to", FormatRfc3339(r.to)},
              {"entries", r.entries},          {"recorded_alarms", r.recorded_alarms},
              {"new_alarms", r.new_alarms},    {"differences", std::move(differences)}};
}

std::string FormatDryRun(const DryRunResult& r) {
  std::ostringstream out;
  out << "replayed " << r.entries << " journal entries from " << FormatRfc3339(r.from) << " to "
      << FormatRfc3339(r.to) << "\n";
  out << "alarms: " << r.recorded_alarms << " with the recorded config, " << r.new_alarms
      << " with the new one\n";
  if (r.differences.empty()) {
    out << "no difference\n";
    return out.str();
  }
  for (const DryRunDifference& d : r.differences) {
    out << FormatRfc3339(d.time) << "  " << d.text << "\n";
  }
  return out.str();
}

}  // namespace homesec
