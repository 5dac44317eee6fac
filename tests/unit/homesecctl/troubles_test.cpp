// homesecctl troubles (since when, in local time and as an age; acknowledged; --ack) and
// homesecctl devices (each device's model from Zigbee2MQTT's definition, GPIO lines by chip and
// line).
#include <doctest/doctest.h>

#include "rules/local_time.hpp"
#include "tools/homesecctl/args.hpp"
#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec {
namespace {

const std::string kPrefix = "homesec/hub-1";

TEST_CASE("homesecctl troubles: since in local time with its age, and whether acknowledged") {
  PanelStatus status;
  CHECK(ApplyStatusMessage(
      kPrefix, kPrefix + "/hub",
      R"({"bridge_online":true,"uplink_online":true,"troubles":[)"
      R"({"type":"battery_low","device":"front_door","id":"battery_low:front_door",)"
      R"("since":"2026-12-02T01:30:00.000Z","acknowledged":false},)"
      R"({"type":"uplink_lost","id":"uplink_lost","since":"2026-11-30T06:00:00.000Z",)"
      R"("acknowledged":true}]})",
      status));
  REQUIRE(status.hub.troubles.size() == 2);
  CHECK(status.hub.troubles[1].acknowledged);
  const WallTime now = *ParseRfc3339("2026-12-02T03:35:10Z");
  std::string tz_error;
  const TimeZoneRule china = *ParseTimeZoneRule("CST-8", &tz_error);
  const std::string out = FormatTroubles(status, now, china);
  INFO(out);
  CHECK(out.find("battery_low:front_door  battery_low  -     front_door  "
                 "2026-12-02 09:30:00 (2h 05m ago)  NO") != std::string::npos);
  CHECK(out.find("2026-11-30 14:00:00 (1d 21h ago)  yes") != std::string::npos);
  CHECK(out.find("homesecctl troubles --ack") != std::string::npos);
  const nlohmann::json json = StatusToJson(status);
  CHECK(json["troubles"][0]["id"] == "battery_low:front_door");
  CHECK(json["troubles"][0]["since"] == "2026-12-02T01:30:00.000Z");
  CHECK(json["troubles"][0]["acknowledged"] == false);
  CHECK(json["troubles"][1]["acknowledged"] == true);
}

TEST_CASE("homesecctl troubles: a homesecd that does not say since when shows '-'") {
  PanelStatus status;
  ApplyStatusMessage(kPrefix, kPrefix + "/hub",
                     R"({"troubles":[{"type":"uplink_lost","since":"soon","acknowledged":"yes"}]})",
                     status);
  REQUIRE(status.hub.troubles.size() == 1);
  CHECK_FALSE(status.hub.troubles[0].acknowledged);
  const std::string out = FormatTroubles(status, WallTime{}, UtcRule());
  INFO(out);
  CHECK(out.find("uplink_lost  uplink_lost  -     -       -      NO") != std::string::npos);
  CHECK(StatusToJson(status)["troubles"][0]["since"].is_null());
}

TEST_CASE("homesecctl troubles: every acknowledged, no reminder to acknowledge") {
  PanelStatus status;
  ApplyStatusMessage(kPrefix, kPrefix + "/hub",
                     R"({"troubles":[{"type":"uplink_lost","acknowledged":true}]})", status);
  CHECK(FormatTroubles(status, WallTime{}, UtcRule()).find("--ack") == std::string::npos);
}

TEST_CASE("homesecctl troubles: ages from seconds to days") {
  const WallTime t0 = *ParseRfc3339("2026-12-02T00:00:00Z");
  CHECK(FormatAge(t0, t0 + std::chrono::seconds(45)) == "45s");
  CHECK(FormatAge(t0, t0 + std::chrono::minutes(12)) == "12m");
  CHECK(FormatAge(t0, t0 + std::chrono::minutes(185)) == "3h 05m");
  CHECK(FormatAge(t0, t0 + std::chrono::hours(52)) == "2d 04h");
  CHECK(FormatAge(t0 + std::chrono::minutes(1), t0) == "0s");  // a clock behind the hub's
}

TEST_CASE("homesecctl troubles args: --ack, one trouble by id, and the PIN from stdin") {
  const CtlParseResult all = ParseCtlArgs({"troubles", "--ack", "--pin-stdin"});
  REQUIRE(all.args);
  CHECK(all.args->ack);
  CHECK(all.args->pin_stdin);
  CHECK(all.args->trouble_id.empty());
  const CtlParseResult one = ParseCtlArgs({"troubles", "--ack", "--trouble", "battery_low:door"});
  REQUIRE(one.args);
  CHECK(one.args->trouble_id == "battery_low:door");
  CHECK(MakeTroubleAckRequest(*one.args, "1234", "r-1") ==
        nlohmann::json{{"action", "TROUBLE_ACK"},
                       {"code", "1234"},
                       {"trouble", "battery_low:door"},
                       {"request_id", "r-1"}});
  CHECK(ParseCtlArgs({"troubles", "--trouble", "uplink_lost"}).error ==
        "--trouble ID applies only with --ack");
  CHECK(ParseCtlArgs({"troubles", "--pin-stdin"}).error == "--pin-stdin applies only with --ack");
  CHECK(ParseCtlArgs({"status", "--ack"}).error == "--ack does not apply to this command");
  CHECK_FALSE(ParseCtlArgs({"troubles", "--ack", "--trouble", "bad\x01id"}).args);
}

TEST_CASE("homesecctl devices: the model from the definition, GPIO lines by chip and line") {
  AppConfig config;
  DeviceConfig contact;
  contact.id = "front_door";
  contact.source = ZigbeeDeviceConfig{"front_door"};
  DeviceConfig latch;
  latch.id = "bedroom_latch";
  latch.source = GpioLineConfig{"gpiochip0", 17};
  DeviceConfig unlisted;
  unlisted.id = "spare";
  unlisted.source = ZigbeeDeviceConfig{"spare"};
  config.devices = {contact, latch, unlisted};
  PanelStatus status = InitialStatus(config);
  CHECK(ApplyStatusMessage(kPrefix, kPrefix + "/device/front_door",
                           R"({"available":true,"vendor":"Aqara","model":"MCCGQ11LM",)"
                           R"("description":"Door and window sensor"})",
                           status));
  CHECK(DeviceModel(status.devices[0]) == "Aqara MCCGQ11LM (Door and window sensor)");
  CHECK(DeviceModel(status.devices[1]) == "GPIO line gpiochip0/17");
  CHECK(DeviceModel(status.devices[2]) == "-");
  const std::string table = FormatDevices(status);
  INFO(table);
  CHECK(table.find("DEVICE         SOURCE                  MODEL") == 0);
  CHECK(table.find("Aqara MCCGQ11LM (Door and window sensor)") != std::string::npos);
  // Every device here feeds no zone: each is called out.
  CHECK(table.find("spare") != std::string::npos);
  const nlohmann::json json = StatusToJson(status);
  CHECK(json["devices"][0]["vendor"] == "Aqara");
  CHECK(json["devices"][0]["model"] == "MCCGQ11LM");
  CHECK(json["devices"][0]["description"] == "Door and window sensor");
  CHECK(json["devices"][1]["model"] == "GPIO line gpiochip0/17");
}

}  // namespace
}  // namespace homesec
