// Events on the wire and in the store: one JSON shape, used for the uplink `events` topic, the
// local `event` topic and the event log (docs/protocol.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/types.hpp"

namespace homesec {

// {"id": "<hub>:<seq>", "seq", "time", "category", "priority", "type", "zone", "device", "user",
//  "mode", "contact_id": {"qualifier","code","group","number","data": "1130 01 003"},
//  "silent", "vacant_watch", "watch_id", "text", "details" (an object, only when there are any)}
nlohmann::json EventToJson(const Event& event, const std::string& hub_id);
// The uplink payload: EventToJson serialised compactly, invalid UTF-8 replaced (a device name
// from a misbehaving bridge must not abort anything). The one serialisation for the outbox and
// for events sent from memory, so every copy of an event is byte for byte the same.
std::string EventPayload(const Event& event, const std::string& hub_id);
// Inverse of EventToJson; nullopt (and `error`) when a field is missing or has the wrong type.
std::optional<Event> EventFromJson(const nlohmann::json& json, std::string* error);
std::string EventId(const std::string& hub_id, std::uint64_t seq);

// ---- the local event stream's numbering ----------------------------------------------------
// Silent events (duress, silent panic) never reach the local event topic or homesecctl. So that
// no gap shows where one was, the local stream numbers its events without them: an event's
// local seq is its seq less the silent events before it. The uplink keeps the panel's seq
// (`<hub>:<seq>` is the platform's id); the two agree until the first silent event.
inline constexpr std::size_t kSilentSeqsKept = 256;

struct SilentHistory {
  std::uint64_t total = 0;            // silent events ever recorded
  std::vector<std::uint64_t> recent;  // the seqs of the newest kSilentSeqsKept, ascending
  void Add(std::uint64_t seq);
  bool Contains(std::uint64_t seq) const;
  // Silent events with a seq below `seq`: exact for any seq above the oldest kept one (older
  // ones are counted as below).
  std::uint64_t Below(std::uint64_t seq) const;
  // The local stream's number of the non-silent event `seq`.
  std::uint64_t LocalSeq(std::uint64_t seq) const { return seq - Below(seq); }
  bool operator==(const SilentHistory&) const = default;
};
// {"total": n, "recent": [seq, ...]}; FromJson is lenient (nullopt for anything malformed).
nlohmann::json SilentHistoryToJson(const SilentHistory& history);
std::optional<SilentHistory> SilentHistoryFromJson(const nlohmann::json& json);
// The event as the local stream shows it: seq and id renumbered (nullopt for a silent event).
std::optional<Event> LocalEvent(const Event& event, const SilentHistory& silent);
// LocalEvent serialised as EventPayload does, for the local `event` topic.
std::string LocalEventPayload(const Event& event, const std::string& hub_id,
                              const SilentHistory& silent);

}  // namespace homesec
