// homesecctl's side of the local MQTT interface and its output: the command request, picking its
// own reply, assembling the status from retained messages, and the tables people read.
#include <doctest/doctest.h>

#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec {
namespace {

const std::string kPrefix = "homesec/hub1";

TEST_CASE("homesecctl protocol: the command request carries action, code, force and request id") {
  const nlohmann::json request =
      MakeCommandRequest(CommandAction::kArmAway, std::string("1234"), true, "req-1");
  CHECK(request == nlohmann::json::parse(
                       R"({"action":"ARM_AWAY","code":"1234","force":true,"request_id":"req-1"})"));
}

TEST_CASE("homesecctl protocol: no code key when arming needs no code") {
  const nlohmann::json request =
      MakeCommandRequest(CommandAction::kArmHome, std::nullopt, false, "req-2");
  CHECK_FALSE(request.contains("code"));
  CHECK(request["action"] == "ARM_HOME");
}

TEST_CASE("homesecctl protocol: the bypass request carries zone, until_disarm and the code") {
  CtlArgs args;
  args.command = CtlCommand::kBypass;
  args.zone = "kitchen_window";
  args.until_disarm = true;
  CHECK(MakeBypassRequest(args, std::string("1234"), "req-3") ==
        nlohmann::json::parse(R"({"action":"BYPASS","code":"1234","request_id":"req-3",)"
                              R"("until_disarm":true,"zone":"kitchen_window"})"));
  args.command = CtlCommand::kUnbypass;
  args.until_disarm = false;
  CHECK(MakeBypassRequest(args, std::nullopt, "req-4") ==
        nlohmann::json::parse(
            R"({"action":"UNBYPASS","request_id":"req-4","zone":"kitchen_window"})"));
}

TEST_CASE("homesecctl protocol: only the reply with our request id is taken") {
  const std::string ours =
      R"({"request_id":"req-1","accepted":false,"reason":"zones_open",)"
      R"("message":"kitchen window open","open_zones":["kitchen_window"],"user":"alice"})";
  const std::optional<CommandResult> result = ParseCommandReply(ours, "req-1");
  REQUIRE(result.has_value());
  CHECK_FALSE(result->accepted);
  CHECK(result->reason == "zones_open");
  CHECK(result->message == "kitchen window open");
  CHECK(result->open_zones == std::vector<std::string>{"kitchen_window"});
  CHECK(result->user == "alice");
  CHECK_FALSE(ParseCommandReply(ours, "req-2").has_value());
  CHECK_FALSE(ParseCommandReply("not json", "req-1").has_value());
  CHECK_FALSE(ParseCommandReply(R"({"request_id":"req-1"})", "req-1").has_value());
}

TEST_CASE("homesecctl status: retained state, availability and zones fill the status") {
  AppConfig config;
  ZoneConfig door;
  door.id = "front_door";
  door.name = "Front door";
  ZoneConfig window;
  window.id = "kitchen_window";
  config.panel.zones = {door, window};
  PanelStatus status = InitialStatus(config);
  CHECK_FALSE(status.state.has_value());
  CHECK(ApplyStatusMessage(kPrefix, kPrefix + "/state", "armed_away", status));
  CHECK(ApplyStatusMessage(kPrefix, kPrefix + "/availability", "online", status));
  CHECK(ApplyStatusMessage(kPrefix, kPrefix + "/zone/kitchen_window",
                           R"({"status":"open","open":true})", status));
  CHECK(ApplyStatusMessage(kPrefix, kPrefix + "/zone/garage", R"({"status":"closed","open":false})",
                           status));
  CHECK_FALSE(ApplyStatusMessage(kPrefix, kPrefix + "/event", "{}", status));
  CHECK(status.state == "armed_away");
  CHECK(status.availability == "online");
  REQUIRE(status.zones.size() == 3);
  CHECK(status.zones[0].status == "unknown");
  CHECK_FALSE(status.zones[0].open.has_value());
  CHECK(status.zones[1].status == "open");
  CHECK(status.zones[1].open == true);
  CHECK(status.zones[2].id == "garage");  // known to the daemon only: still shown
}

TEST_CASE("homesecctl output: tables align columns and trim trailing spaces") {
  CHECK(FormatTable({"A", "LONG HEADER"}, {{"wide cell", "x"}, {"b", ""}}) ==
        "A          LONG HEADER\n"
        "wide cell  x\n"
        "b\n");
}

TEST_CASE("homesecctl output: user list shows number, name, role and window, never the hash") {
  User alice;
  alice.number = 1;
  alice.name = "alice";
  alice.role = Role::kMaster;
  alice.pin_hash = "pbkdf2-sha256$1$aa$bb";
  User neighbour;
  neighbour.number = 2;
  neighbour.name = "neighbour";
  neighbour.role = Role::kKeyholder;
  neighbour.pin_hash = "pbkdf2-sha256$1$cc$dd";
  neighbour.valid_from = ParseRfc3339("2026-12-01T00:00:00Z");
  neighbour.valid_until = ParseRfc3339("2026-12-10T00:00:00Z");
  const std::string table = FormatUsers({alice, neighbour});
  CHECK(table ==
        "NUMBER  NAME       ROLE       VALID FROM                VALID UNTIL\n"
        "1       alice      master     -                         -\n"
        "2       neighbour  keyholder  2026-12-01T00:00:00.000Z  2026-12-10T00:00:00.000Z\n");
  const nlohmann::json json = UsersToJson({alice, neighbour});
  CHECK(json.dump().find("pbkdf2") == std::string::npos);
  CHECK(json[1]["valid_until"] == "2026-12-10T00:00:00.000Z");
  CHECK_FALSE(json[0].contains("valid_from"));
}

TEST_CASE("homesecctl output: the event log table") {
  Event event;
  event.seq = 42;
  event.time = *ParseRfc3339("2026-11-28T03:12:05.250Z");
  event.category = EventCategory::kAlarm;
  event.type = "burglary";
  event.zone = "kitchen_window";
  event.cid = ContactId{1, 130, 0, 4};
  event.text = "Burglary: kitchen window";
  const std::string table = FormatEvents({event});
  CHECK(table.find("SEQ  TIME") == 0);
  CHECK(table.find("42   2026-11-28 03:12:05Z  alarm     burglary  kitchen_window  -") !=
        std::string::npos);
  CHECK(table.find("Burglary: kitchen window\n") != std::string::npos);
  CHECK(FormatEvents({}) == "no events\n");
}

TEST_CASE("homesecctl output: status shows the state, whether homesecd is online, and zones") {
  PanelStatus status;
  status.state = "disarmed";
  status.availability = "offline";
  ZoneView door{"front_door", "Front door", "closed", false};
  door.property = "contact";
  door.known = true;
  status.zones.push_back(door);
  CHECK(FormatStatus(status) ==
        "state:     disarmed\n"
        "homesecd:  OFFLINE\n"
        "\n"
        "ZONE        NAME        STATE   FLAGS\n"
        "front_door  Front door  closed  -\n");
  const nlohmann::json json = StatusToJson(status);
  CHECK(json["available"] == false);
  CHECK(json["zones"][0]["open"] == false);
  CHECK(json["zones"][0]["state"] == "closed");
}

TEST_CASE("homesecctl output: a zone's state is said in words that fit what it senses") {
  ZoneView zone{"z", "", "closed", false};
  zone.known = true;
  const auto words = [&](const char* property, bool active) {
    zone.property = property;
    zone.open = active;
    return ZoneStateWords(zone);
  };
  CHECK(words("contact", true) == "open");
  CHECK(words("latch", false) == "closed");
  CHECK(words("water_leak", true) == "wet");
  CHECK(words("water_leak", false) == "dry");
  CHECK(words("smoke", true) == "smoke");
  CHECK(words("smoke", false) == "clear");
  CHECK(words("occupancy", true) == "motion");
  zone.lock_state = "unlocked";
  CHECK(words("lock_state", false) == "unlocked");
  // Unknown is never "closed", whatever the zone senses.
  zone.known = false;
  CHECK(words("contact", false) == "unknown");
  CHECK(words("water_leak", false) == "unknown");
  CHECK(words("lock_state", false) == "unknown");
  zone.known = true;
  zone.alarm = true;
  zone.bypassed = true;
  zone.available = false;
  zone.battery_low = true;
  CHECK(ZoneFlags(zone) == "ALARM, bypassed, offline, battery low");
}

TEST_CASE("homesecctl status: troubles, bridge and devices come from the hub and device topics") {
  AppConfig config;
  ZoneConfig door;
  door.id = "front_door";
  door.device = "front_door";
  door.type = ZoneType::kEntryExit;
  config.panel.zones = {door};
  DeviceConfig sensor;
  sensor.id = "front_door";
  sensor.source = ZigbeeDeviceConfig{"front_door"};
  DeviceConfig spare;
  spare.id = "spare";
  spare.source = ZigbeeDeviceConfig{"spare"};
  config.devices = {sensor, spare};
  PanelStatus status = InitialStatus(config);
  CHECK(status.zones[0].property == "contact");
  CHECK(ApplyStatusMessage(kPrefix, kPrefix + "/hub",
                           R"({"bridge_online":true,"uplink_online":false,)"
                           R"("troubles":[{"type":"battery_low","device":"front_door"}]})",
                           status));
  CHECK(ApplyStatusMessage(kPrefix, kPrefix + "/device/front_door",
                           R"({"available":true,"battery":7,"battery_low":true,"linkquality":96,)"
                           R"("last_seen":"2026-12-02T06:00:00.000Z"})",
                           status));
  CHECK(ApplyStatusMessage(kPrefix, kPrefix + "/zone/front_door",
                           R"({"status":"closed","open":false,"known":true,"battery_low":true})",
                           status));
  const std::string troubles =
      FormatTroubles(status, WallTime{} + std::chrono::hours(24 * 365 * 56), UtcRule());
  CHECK(troubles.find("zigbee bridge:      online") != std::string::npos);
  CHECK(troubles.find("district platform:  OFFLINE") != std::string::npos);
  CHECK(troubles.find("battery_low  -     front_door") != std::string::npos);
  CHECK(FormatStatus(status).find("troubles:  1: battery_low (front_door)") != std::string::npos);
  const std::string devices = FormatDevices(status);
  INFO(devices);
  CHECK(devices.find("front_door  zigbee front_door  -      yes     7% LOW   96") !=
        std::string::npos);
  // A paired and configured device no zone uses is called out.
  CHECK(devices.find("NONE (bound to no zone)") != std::string::npos);
  CHECK(FormatZones(status).find("entry_exit") != std::string::npos);
  CHECK(StatusToJson(status)["troubles"][0]["type"] == "battery_low");
}

TEST_CASE("homesecctl output: a refusal names the open zones and how to override") {
  CommandResult result;
  result.accepted = false;
  result.reason = "zones_open";
  result.message = "cannot arm: 1 zone open";
  result.open_zones = {"kitchen_window"};
  CHECK(FormatCommandResult(result) ==
        "refused (zones_open): cannot arm: 1 zone open\n"
        "open zones: kitchen_window\n"
        "(close them, or arm with --force to bypass them)\n");
}

}  // namespace
}  // namespace homesec
