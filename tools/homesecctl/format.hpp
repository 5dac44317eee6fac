// homesecctl's output: aligned plain-text tables for people, JSON for scripts. PIN hashes are
// never printed in either.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/event_json.hpp"
#include "rules/local_time.hpp"
#include "rules/panel_config.hpp"
#include "rules/types.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec {

// Columns padded to their widest cell, two spaces apart, header first; no trailing spaces.
std::string FormatTable(const std::vector<std::string>& headers,
                        const std::vector<std::vector<std::string>>& rows);

// "2026-11-28T17:10:46.123Z" -> "2026-11-28 17:10:46Z": seconds are enough in a table.
std::string ShortTime(WallTime time);
// A table cell: the text, or "-" for none.
std::string OrDash(const std::string& text);
// A string field of a message homesecd published, made safe to print (at most `max` bytes).
std::string MessageText(const nlohmann::json& message, const char* key, std::size_t max = 128);

std::string FormatUsers(const std::vector<User>& users);
// [{"name", "number", "role", "valid_from"?, "valid_until"?}]
nlohmann::json UsersToJson(const std::vector<User>& users);

// The event log as the local event stream shows it: silent events (duress, silent panic) left
// out and the others numbered without them (rules/event_json.hpp), the newest `last` of them.
std::vector<Event> LocalEvents(const std::vector<Event>& events, const SilentHistory& silent,
                               std::size_t last);

// Local time is the resident's; the column says which zone is meant.
std::string FormatEvents(const std::vector<Event>& events);

// A zone's state in words that fit what it senses: open/closed, wet/dry, smoke/clear, motion,
// the lock's state ... "unknown" until homesecd knows it.
std::string ZoneStateWords(const ZoneView& zone);
// ALARM, bypassed, trouble, offline, battery low; "-" for none.
std::string ZoneFlags(const ZoneView& zone);

std::string FormatStatus(const PanelStatus& status);
// `homesecctl zones`: every zone with its type, device, state, status and flags.
std::string FormatZones(const PanelStatus& status);
// `homesecctl troubles`: the bridge, the platform link, and the active troubles with their id,
// since when (local time in `time_zone`, and the age at `now`) and whether acknowledged.
std::string FormatTroubles(const PanelStatus& status, WallTime now, const TimeZoneRule& time_zone);
// "45s", "12m", "3h 05m", "2d 04h": how long ago `since` was at `now`.
std::string FormatAge(WallTime since, WallTime now);
// "vendor model (description)", or whichever of them is known; "-" for none.
std::string DeviceModel(const DeviceView& device);
// `homesecctl devices`: every configured device, its diagnostics and the zones it feeds.
std::string FormatDevices(const PanelStatus& status);
// {"state", "available", "zones": [...], "devices": [...], "bridge_online", "uplink_online",
//  "troubles"}: everything the tables show.
nlohmann::json StatusToJson(const PanelStatus& status);

// The retained watch registration for people: one "field  value" line each, times as given
// (UTC). "no vacant-house watch" for an empty or unreadable document.
std::string FormatWatch(const nlohmann::json& registration);

// "accepted: armed_away by alice" / "refused (zones_open): ... open zones: a, b".
std::string FormatCommandResult(const CommandResult& result);

// One message of <prefix>/pairing (daemon/pairing_relay.hpp) as the lines homesecctl pair
// prints: "joined 0x00158d0001a2b3c4", "interview successful: Aqara MCCGQ11LM (...)", "not used
// by any zone", and for "closed" the summary of what joined. Empty for a message it does not
// know. Every text from the message is made printable.
std::string FormatPairingMessage(const nlohmann::json& message);

// The alarm memory, one line per zone: "  kitchen_window  burglary  2026-12-02 13:03:04Z
// restored 2026-12-02 13:03:09Z"; "" when empty.
std::string FormatAlarmMemory(const std::vector<AlarmMemoryEntry>& memory);
// [{"zone", "type", "time", "restored", "count"}] for --json output.
nlohmann::json AlarmMemoryJson(const std::vector<AlarmMemoryEntry>& memory);

// One message of <prefix>/walk_test (docs/installer-guide.md) as the lines homesecctl walk-test
// prints: "walk test running until ...", "kitchen_window  opened", and for "ended" the report:
// zones never seen, zones seen one way only, PASS or FAIL. Empty for a message it does not know.
// Every text from the message is made printable.
std::string FormatWalkTestMessage(const nlohmann::json& message);
// Whether an "ended" message reports every zone under test seen both ways.
bool WalkTestPassed(const nlohmann::json& message);

}  // namespace homesec
