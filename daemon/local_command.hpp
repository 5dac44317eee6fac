// Commands arriving on the local broker's <topic_prefix>/command topic (Home Assistant, scripts,
// homesecctl): the plain Home Assistant payloads (ARM_AWAY, DISARM, ...) or JSON
// {"action", "code", "force", "request_id", "time", "watch", "zone", "until_disarm", "seconds",
// "device"} ("watch": the vacant-house watch details of WATCH_START / WATCH_EXTEND, see
// docs/vacant-house-watch.md; "zone" and "until_disarm": the zone of BYPASS / UNBYPASS;
// "seconds" and "device": how long PAIR opens the Zigbee network and the friendly name expected
// to join, see docs/devices.md; "zones" and "seconds" of WALK_TEST: the zones to test, all but
// the life-safety ones when absent, and for how long, see docs/installer-guide.md). Anything else
// becomes a CommandResult that says exactly why it was refused (reason "invalid_request"), so a bad
// command never vanishes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon/replay_guard.hpp"
#include "rules/types.hpp"

namespace homesec {

// Larger command payloads are refused unparsed.
inline constexpr std::size_t kMaxCommandBytes = 4096;

// The "zone" of BYPASS / UNBYPASS: a zone id as the config allows them (letters, digits, '_' and
// '-', which MQTT topic levels and event ids can carry), at most this long. It is echoed in the
// result, so anything else is refused before it reaches the panel.
inline constexpr std::size_t kMaxZoneIdBytes = 128;
bool IsCommandZoneId(std::string_view zone);

// The "device" of PAIR: a Zigbee2MQTT friendly name (printable UTF-8, no MQTT wildcards; '/'
// and spaces are allowed, as Zigbee2MQTT allows them), at most this long.
inline constexpr std::size_t kMaxPairDeviceBytes = 128;
bool IsPairDeviceName(std::string_view name);

// The "trouble" of TROUBLE_ACK: a trouble id as `homesecctl troubles` and <prefix>/hub show it
// ("battery_low:front_door", rules/types.hpp TroubleId): printable UTF-8, at most this long.
inline constexpr std::size_t kMaxTroubleIdBytes = 300;
bool IsTroubleId(std::string_view id);

struct LocalCommandParse {
  std::optional<Command> command;        // set when the request is well-formed
  std::optional<CommandResult> refusal;  // set otherwise, ready to publish
  std::optional<WallTime> sent;          // the JSON "time" the sender stamped it with
};

// `retained`: the broker's retain flag. A retained command is a stale replay (someone published
// with retain): it is refused so that a broker restart can never re-arm or disarm the house.
LocalCommandParse ParseLocalCommand(std::string_view payload, bool retained);

// [{"zone", "type", "time", "restored" (or null), "count"}]: the alarm memory as the disarm
// result and the <prefix>/panel attributes carry it (times RFC 3339).
nlohmann::json AlarmMemoryToJson(const std::vector<AlarmMemoryEntry>& memory);

// The JSON published on <topic_prefix>/command/result.
nlohmann::json CommandResultToJson(const CommandResult& result);

}  // namespace homesec
