// Events on the wire and in the store: one JSON shape, used for the uplink `events` topic, the
// local `event` topic and the event log (docs/protocol.md).
#pragma once

#include <optional>
#include <string>

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

}  // namespace homesec
