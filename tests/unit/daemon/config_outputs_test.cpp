// Config loader, "outputs": every kind the config accepts is one its driver really drives (GPIO:
// siren, strobe, deterrent, chime; Zigbee and Tuya sirens: siren, chime; keypads: keypad), and
// "squawk" only where something can chirp (siren and chime outputs).
#include <doctest/doctest.h>

#include <vector>

#include "daemon/config.hpp"
#include "tests/unit/daemon/config_test_support.hpp"

namespace homesec {
namespace {

using test::AllErrors;
using test::MinimalConfig;
using test::RequireError;

// A vector, not a json: a braced list of one json object would be that object itself with clang
// (and an array of it with GCC), the nlohmann single-element initializer-list ambiguity.
nlohmann::json WithOutputs(std::vector<nlohmann::json> outputs) {
  nlohmann::json json = MinimalConfig();
  json["outputs"] = std::move(outputs);
  return json;
}

nlohmann::json Gpio(const std::string& id, const std::string& kind, int line) {
  return {{"id", id}, {"kind", kind}, {"gpio", {{"chip", "sim0"}, {"line", line}}}};
}

nlohmann::json Zigbee(const std::string& id, const std::string& kind, const std::string& driver) {
  nlohmann::json out{{"id", id}, {"kind", kind}, {"zigbee", id}};
  if (!driver.empty()) out["driver"] = driver;
  return out;
}

TEST_CASE("config outputs: GPIO lines drive siren, strobe, deterrent and chime") {
  const ConfigResult result =
      ParseConfig(WithOutputs({Gpio("relay", "siren", 10), Gpio("flash", "strobe", 11),
                               Gpio("dog", "deterrent", 12), Gpio("buzzer", "chime", 13)}));
  INFO(AllErrors(result));
  REQUIRE(result.config);
  REQUIRE(result.config->outputs.size() == 4);
  for (const OutputConfig& output : result.config->outputs) {
    CHECK(output.driver == OutputDriver::kGpio);
    CHECK_FALSE(output.squawk);  // opt-in
  }
  CHECK(result.config->outputs[3].kind == "chime");
}

TEST_CASE("config outputs: Zigbee and Tuya sirens drive siren and chime") {
  const ConfigResult result = ParseConfig(WithOutputs(
      {Zigbee("hall_siren", "siren", ""), Zigbee("hall_chime", "chime", "zigbee_siren"),
       Zigbee("garden_siren", "siren", "tuya_siren"), Zigbee("garden_chime", "chime", "tuya_siren"),
       Zigbee("hall_keypad", "keypad", "")}));
  INFO(AllErrors(result));
  REQUIRE(result.config);
  const auto& outputs = result.config->outputs;
  REQUIRE(outputs.size() == 5);
  CHECK(outputs[0].driver == OutputDriver::kZigbeeSiren);
  CHECK(outputs[1].driver == OutputDriver::kZigbeeSiren);
  CHECK(outputs[2].driver == OutputDriver::kZigbeeTuyaSiren);
  CHECK(outputs[3].driver == OutputDriver::kZigbeeTuyaSiren);
  CHECK(outputs[4].driver == OutputDriver::kZigbeeKeypad);
}

TEST_CASE("config outputs: a Zigbee siren as strobe is refused, pointing at its strobe flag") {
  RequireError(ParseConfig(WithOutputs({Zigbee("hall_flash", "strobe", "")})), "outputs[0].kind",
               "kind 'strobe' cannot be driven by a zigbee_siren output", "\"strobe\": true");
}

TEST_CASE("config outputs: a Zigbee or Tuya siren as deterrent is refused with the GPIO hint") {
  const ConfigResult result =
      ParseConfig(WithOutputs({Zigbee("hall_dog", "deterrent", "zigbee_siren"),
                               Zigbee("garden_dog", "deterrent", "tuya_siren")}));
  RequireError(result, "outputs[0].kind", "kind 'deterrent' cannot be driven by a zigbee_siren",
               "wire a separate deterrent to a GPIO line");
  RequireError(result, "outputs[1].kind", "kind 'deterrent' cannot be driven by a tuya_siren",
               "drives kinds \"siren\", \"chime\"");
}

TEST_CASE("config outputs: a keypad is only a keypad, and never a GPIO line") {
  RequireError(ParseConfig(WithOutputs({Zigbee("hall_keypad", "siren", "keypad")})),
               "outputs[0].driver", "driver 'keypad' does not fit kind 'siren'");
  RequireError(ParseConfig(WithOutputs({Zigbee("hall_keypad", "keypad", "zigbee_siren")})),
               "outputs[0].driver", "driver 'zigbee_siren' does not fit kind 'keypad'");
  RequireError(ParseConfig(WithOutputs({Gpio("keypad", "keypad", 10)})), "outputs[0].gpio",
               "a keypad output cannot be a GPIO line");
}

TEST_CASE("config outputs: a mismatched driver is reported once, not again as the kind") {
  nlohmann::json dog = Gpio("dog", "deterrent", 12);
  dog["driver"] = "zigbee_siren";
  const ConfigResult result = ParseConfig(WithOutputs({dog}));
  RequireError(result, "outputs[0].driver", "does not fit a GPIO line");
  CHECK(test::FindError(result, "outputs[0].kind") == nullptr);
}

TEST_CASE("config outputs: squawk is read on siren and chime outputs of any driver") {
  nlohmann::json relay = Gpio("relay", "siren", 10);
  relay["squawk"] = true;
  nlohmann::json buzzer = Gpio("buzzer", "chime", 11);
  buzzer["squawk"] = true;
  nlohmann::json hall = Zigbee("hall_siren", "siren", "");
  hall["squawk"] = true;
  nlohmann::json garden = Zigbee("garden_chime", "chime", "tuya_siren");
  garden["squawk"] = true;
  const ConfigResult result = ParseConfig(WithOutputs({relay, buzzer, hall, garden}));
  INFO(AllErrors(result));
  REQUIRE(result.config);
  for (const OutputConfig& output : result.config->outputs) CHECK(output.squawk);
}

TEST_CASE("config outputs: squawk on a strobe, deterrent or keypad is refused") {
  nlohmann::json flash = Gpio("flash", "strobe", 11);
  flash["squawk"] = true;
  nlohmann::json dog = Gpio("dog", "deterrent", 12);
  dog["squawk"] = true;
  nlohmann::json keypad = Zigbee("hall_keypad", "keypad", "");
  keypad["squawk"] = true;
  const ConfigResult result = ParseConfig(WithOutputs({flash, dog, keypad}));
  RequireError(result, "outputs[0].squawk",
               "only siren and chime outputs squawk, not kind 'strobe'",
               "set \"squawk\": true on a siren or chime output");
  RequireError(result, "outputs[1].squawk", "not kind 'deterrent'");
  RequireError(result, "outputs[2].squawk", "not kind 'keypad'");
}

TEST_CASE("config outputs: squawk false is accepted anywhere, squawk must be a bool") {
  nlohmann::json flash = Gpio("flash", "strobe", 11);
  flash["squawk"] = false;
  const ConfigResult ok = ParseConfig(WithOutputs({flash}));
  INFO(AllErrors(ok));
  CHECK(ok.config);
  nlohmann::json relay = Gpio("relay", "siren", 10);
  relay["squawk"] = "yes";
  RequireError(ParseConfig(WithOutputs({relay})), "outputs[0].squawk", "expected true or false",
               "without quotes");
}

}  // namespace
}  // namespace homesec
