// Config loader: every installer mistake is reported at its exact JSON path with a hint, and all
// of them at once.
#include <doctest/doctest.h>

#include "daemon/config.hpp"
#include "tests/unit/daemon/config_test_support.hpp"

namespace homesec {
namespace {

using test::MinimalConfig;
using test::RequireError;

TEST_CASE("config errors: a zone naming an unknown device suggests the closest device") {
  nlohmann::json json = MinimalConfig();
  json["zones"][1]["device"] = "kitchn_latch";
  const ConfigResult result = ParseConfig(json);
  RequireError(result, "zones[1].device", "no device named 'kitchn_latch'",
               "did you mean 'kitchen_latch'?");
  const ConfigError* error = test::FindError(result, "zones[1].device");
  REQUIRE(error != nullptr);
  CHECK(ToString(*error) ==
        "zones[1].device: no device named 'kitchn_latch' (hint: did you mean 'kitchen_latch'?)");
}

TEST_CASE("config errors: a bad zone type lists the valid types") {
  nlohmann::json json = MinimalConfig();
  json["zones"][1]["type"] = "perimiter";
  RequireError(ParseConfig(json), "zones[1].type", "unknown value 'perimiter'",
               "did you mean 'perimeter'? (one of entry_exit, entry_follower, perimeter");
}

TEST_CASE("config errors: duplicate device, zone and output ids") {
  nlohmann::json json = MinimalConfig();
  json["devices"].push_back({{"id", "front_door"}, {"zigbee", "other_door"}});
  json["zones"].push_back({{"id", "front_door"}, {"type", "tamper_24h"}, {"device", "front_door"}});
  json["outputs"] = {{{"id", "siren"}, {"kind", "siren"}, {"zigbee", "s1"}},
                     {{"id", "siren"}, {"kind", "siren"}, {"zigbee", "s2"}}};
  const ConfigResult result = ParseConfig(json);
  RequireError(result, "devices[2].id", "duplicate device id 'front_door'");
  RequireError(result, "zones[2].id", "duplicate zone id 'front_door'");
  RequireError(result, "outputs[1].id", "duplicate output id 'siren'");
}

TEST_CASE("config errors: duplicate zone numbers, explicit or defaulted") {
  nlohmann::json json = MinimalConfig();
  json["zones"][1]["number"] = 1;
  RequireError(ParseConfig(json), "zones[1].number",
               "zone number 1 is already used by zone 'front_door'");

  nlohmann::json defaulted = MinimalConfig();
  defaulted["zones"][0]["number"] = 2;  // zone 2 defaults to its position, 2
  RequireError(ParseConfig(defaulted), "zones[1]", "zone number 2 is already used",
               "explicit unique \"number\"");
}

TEST_CASE("config errors: missing required fields") {
  nlohmann::json json = MinimalConfig();
  json["hub"].erase("id");
  json["zones"][0].erase("type");
  json["devices"][0].erase("zigbee");
  const ConfigResult result = ParseConfig(json);
  RequireError(result, "hub.id", "missing (required)");
  RequireError(result, "zones[0].type", "missing (required)");
  RequireError(result, "devices[0]", "no source", "\"zigbee\"");
}

TEST_CASE("config errors: wrong value types say what was expected") {
  nlohmann::json json = MinimalConfig();
  json["local_mqtt"]["port"] = "1883";
  json["devices"][1]["gpio"]["active_low"] = "yes";
  json["zones"] = nlohmann::json::object();
  const ConfigResult result = ParseConfig(json);
  RequireError(result, "local_mqtt.port", "expected an integer, got a string", "without quotes");
  RequireError(result, "devices[1].gpio.active_low", "expected true or false, got a string");
  RequireError(result, "zones", "expected an array, got an object");
}

TEST_CASE("config errors: unknown keys are errors with a did-you-mean") {
  nlohmann::json json = MinimalConfig();
  json["modes"] = {{"armed_away", {{"entry_dealy_s", 20}}}};
  json["zones"][0]["chmie"] = true;
  json["uplinks"] = nlohmann::json::object();
  const ConfigResult result = ParseConfig(json);
  RequireError(result, "modes.armed_away.entry_dealy_s", "unknown key",
               "did you mean 'entry_delay_s'?");
  RequireError(result, "zones[0].chmie", "unknown key", "did you mean 'chime'?");
  RequireError(result, "uplinks", "unknown key", "did you mean 'uplink'?");
}

TEST_CASE("config errors: an unknown key with no close match lists the known keys") {
  nlohmann::json json = MinimalConfig();
  json["hub"]["colour"] = "red";
  RequireError(ParseConfig(json), "hub.colour", "unknown key",
               "known keys here: id, district or name");
}

TEST_CASE("config errors: missing or unreadable TLS files") {
  nlohmann::json json = MinimalConfig();
  json["uplink"]["tls"] = {{"ca", "/nonexistent/ca.pem"}, {"cert", "/dev/null"}};
  const ConfigResult result = ParseConfig(json);
  RequireError(result, "uplink.tls.ca", "file not found: /nonexistent/ca.pem", "full path");
  RequireError(result, "uplink.tls.key", "missing (required)");
  CHECK(test::FindError(result, "uplink.tls.cert") == nullptr);
}

TEST_CASE("config errors: hub id with characters MQTT topics cannot carry") {
  nlohmann::json json = MinimalConfig();
  json["hub"]["id"] = "flat 3/201";
  RequireError(ParseConfig(json), "hub.id", "invalid id 'flat 3/201'",
               "letters, digits, '_' and '-'");
}

TEST_CASE("config errors: broker port out of range") {
  nlohmann::json json = MinimalConfig();
  json["uplink"]["port"] = 70000;
  RequireError(ParseConfig(json), "uplink.port", "out of range: 70000", "between 1 and 65535");
}

TEST_CASE("config errors: entry delay over 45 s needs allow_long_entry_delay (EN 50131-1)") {
  nlohmann::json json = MinimalConfig();
  json["modes"] = {{"armed_away", {{"entry_delay_s", 60}}}};
  RequireError(ParseConfig(json), "modes.armed_away.entry_delay_s", "longer than 45 s",
               "allow_long_entry_delay");
  json["allow_long_entry_delay"] = true;
  const ConfigResult allowed = ParseConfig(json);
  INFO(test::AllErrors(allowed));
  REQUIRE(allowed.config.has_value());
  CHECK(allowed.config->panel.TimingFor(Mode::kArmedAway).entry_delay == Seconds{60});
}

TEST_CASE("config errors: GPIO debounce over 300 ms would miss a 400 ms pulse (EN 50131-1)") {
  nlohmann::json json = MinimalConfig();
  json["devices"][1]["gpio"]["debounce_ms"] = 500;
  RequireError(ParseConfig(json), "devices[1].gpio.debounce_ms", "500 ms is too long",
               "400 ms pulse");
}

TEST_CASE("config errors: a device property watched by two zones") {
  nlohmann::json json = MinimalConfig();
  json["zones"].push_back({{"id", "door_again"}, {"type", "perimeter"}, {"device", "front_door"}});
  RequireError(ParseConfig(json), "zones[2].device",
               "property 'contact' of device 'front_door' is already watched by zone 'front_door'");
}

TEST_CASE("config: one device may feed two zones through different properties") {
  nlohmann::json json = MinimalConfig();
  json["zones"].push_back(
      {{"id", "door_tamper"}, {"type", "tamper_24h"}, {"device", "front_door"}});
  const ConfigResult result = ParseConfig(json);
  INFO(test::AllErrors(result));
  CHECK(result.config.has_value());
}

TEST_CASE("config errors: a property that makes no sense for the zone type") {
  nlohmann::json json = MinimalConfig();
  json["devices"].push_back({{"id", "smoke"}, {"zigbee", "smoke"}});
  json["zones"].push_back(
      {{"id", "smoke"}, {"type", "fire_24h"}, {"device", "smoke"}, {"property", "contact"}});
  RequireError(ParseConfig(json), "zones[2].property",
               "property 'contact' makes no sense for a fire_24h zone", "use smoke");
}

TEST_CASE("config errors: a misspelled property suggests the right one") {
  nlohmann::json json = MinimalConfig();
  json["zones"][0]["property"] = "contcat";
  RequireError(ParseConfig(json), "zones[0].property", "unknown value 'contcat'",
               "did you mean 'contact'?");
}

TEST_CASE("config errors: a GPIO line watched for a property it does not report") {
  nlohmann::json json = MinimalConfig();
  json["zones"][1]["property"] = "latch";  // the line's role is the default, contact
  RequireError(ParseConfig(json), "zones[1].property",
               "GPIO contact line and reports only 'contact'", "\"role\"");
}

TEST_CASE("config errors: options of another zone type") {
  nlohmann::json json = MinimalConfig();
  json["zones"][0]["door_held_s"] = 60;
  RequireError(ParseConfig(json), "zones[0].door_held_s", "only applies to door_held zones",
               "this zone is entry_exit");
}

TEST_CASE("config errors: a 24-hour zone cannot be bypassed by mode") {
  nlohmann::json json = MinimalConfig();
  json["zones"].push_back({{"id", "tamper"},
                           {"type", "tamper_24h"},
                           {"device", "front_door"},
                           {"bypass_in", {"armed_home"}}});
  RequireError(ParseConfig(json), "zones[2].bypass_in", "cannot be bypassed");
}

TEST_CASE("config errors: bypass_in names only armed modes") {
  nlohmann::json json = MinimalConfig();
  json["zones"][1]["bypass_in"] = {"armed_home", "armed_nite"};
  RequireError(ParseConfig(json), "zones[1].bypass_in[1]", "not an armed mode: 'armed_nite'",
               "did you mean 'armed_night'?");
}

TEST_CASE("config errors: a GPIO line used twice") {
  nlohmann::json json = MinimalConfig();
  json["outputs"] = {
      {{"id", "relay"}, {"kind", "siren"}, {"gpio", {{"chip", "sim0"}, {"line", 3}}}}};
  RequireError(ParseConfig(json), "outputs[0].gpio.line",
               "line 3 of chip 'sim0' is already used by devices[1].gpio.line");
}

TEST_CASE("config errors: an output's driver must fit its source") {
  nlohmann::json json = MinimalConfig();
  json["outputs"] = {{{"id", "relay"},
                      {"kind", "siren"},
                      {"gpio", {{"chip", "sim0"}, {"line", 5}}},
                      {"driver", "tuya_siren"}}};
  RequireError(ParseConfig(json), "outputs[0].driver", "does not fit a GPIO line");
}

TEST_CASE("config errors: a cross-zone group of one zone") {
  nlohmann::json json = MinimalConfig();
  json["zones"][1]["cross_zone_group"] = "ground";
  RequireError(ParseConfig(json), "zones[1].cross_zone_group", "has only this zone");
}

TEST_CASE("config errors: a missing uplink says how to disable it") {
  nlohmann::json json = MinimalConfig();
  json.erase("uplink");
  RequireError(ParseConfig(json), "uplink", "missing (required)", "\"enabled\": false");
}

TEST_CASE("config errors: every mistake is reported at once") {
  nlohmann::json json = MinimalConfig();
  json["zones"][1]["device"] = "kitchn_latch";
  json["zones"][0]["type"] = "entry";
  json["local_mqtt"]["prot"] = 1883;
  const ConfigResult result = ParseConfig(json);
  INFO(test::AllErrors(result));
  CHECK_FALSE(result.config.has_value());
  CHECK(result.errors.size() == 3);
  CHECK(test::FindError(result, "zones[1].device") != nullptr);
  CHECK(test::FindError(result, "zones[0].type") != nullptr);
  CHECK(test::FindError(result, "local_mqtt.prot") != nullptr);
}

TEST_CASE("config errors: a config that is not an object") {
  const ConfigResult result = ParseConfig(nlohmann::json::array());
  RequireError(result, "(top level)", "expected an object, got an array");
}

}  // namespace
}  // namespace homesec

namespace homesec {

TEST_CASE("config errors: storage.journal_days is 1 to 3650 days, 30 by default") {
  nlohmann::json json = test::MinimalConfig();
  {
    const ConfigResult result = ParseConfig(json);
    REQUIRE(result.config);
    CHECK(result.config->storage.journal_days == 30);
  }
  json["storage"]["journal_days"] = 7;
  {
    const ConfigResult result = ParseConfig(json);
    REQUIRE(result.config);
    CHECK(result.config->storage.journal_days == 7);
  }
  for (const nlohmann::json& bad :
       {nlohmann::json(0), nlohmann::json(5000), nlohmann::json("30")}) {
    CAPTURE(bad.dump());
    json["storage"]["journal_days"] = bad;
    const ConfigResult result = ParseConfig(json);
    CHECK_FALSE(result.config);
    CHECK(test::FindError(result, "storage.journal_days") != nullptr);
  }
}

}  // namespace homesec
