// Config rules from issue 11: no plain MQTT uplink to another host unless the installer says so,
// the uplink client id is the hub id (the certificate's CN), and the lockout and duress keys.
#include <doctest/doctest.h>

#include "daemon/config.hpp"
#include "tests/unit/daemon/config_test_support.hpp"

namespace homesec {
namespace {

ConfigResult WithUplink(const nlohmann::json& uplink) {
  nlohmann::json json = test::MinimalConfig();
  json["uplink"] = uplink;
  return ParseConfig(json);
}

TEST_CASE("config: an uplink to another host without tls is refused, with a hint") {
  const ConfigResult result = WithUplink({{"host", "platform.example"}, {"port", 1883}});
  test::RequireError(result, "uplink.tls", "plain MQTT", "\"insecure\": true");
  test::RequireError(WithUplink({{"host", "10.0.0.7"}}), "uplink.tls", "10.0.0.7");
  test::RequireError(WithUplink({{"host", "127.example.com"}}), "uplink.tls", "plain MQTT");
}

TEST_CASE("config: plain MQTT to loopback, or with an explicit insecure, is accepted") {
  for (const char* host : {"127.0.0.1", "127.3.2.1", "localhost", "::1"}) {
    const ConfigResult result = WithUplink({{"host", host}});
    INFO(host << "\n" << test::AllErrors(result));
    CHECK(result.config.has_value());
  }
  const ConfigResult insecure = WithUplink({{"host", "platform.example"}, {"insecure", true}});
  INFO(test::AllErrors(insecure));
  CHECK(insecure.config.has_value());
  const ConfigResult disabled = WithUplink({{"enabled", false}, {"host", "platform.example"}});
  CHECK(disabled.config.has_value());
}

TEST_CASE("config: the uplink client id defaults to the hub id, the certificate's CN") {
  const ConfigResult result = ParseConfig(test::MinimalConfig());
  REQUIRE(result.config.has_value());
  CHECK(result.config->uplink.broker.client_id == "shinan-xianyou-0042");
}

TEST_CASE("config: codes.lockout_max_s, lockout_reset_s and duress_imitates") {
  nlohmann::json json = test::MinimalConfig();
  json["codes"] = {{"lockout_s", 60},
                   {"lockout_max_s", 1800},
                   {"lockout_reset_s", 3600},
                   {"duress_imitates", "alice"}};
  const ConfigResult result = ParseConfig(json);
  INFO(test::AllErrors(result));
  REQUIRE(result.config.has_value());
  const CodePolicy& codes = result.config->panel.codes;
  CHECK(codes.lockout == Seconds{60});
  CHECK(codes.lockout_max == Seconds{1800});
  CHECK(codes.lockout_reset == Seconds{3600});
  CHECK(codes.duress_imitates == "alice");
  const CodePolicy defaults = ParseConfig(test::MinimalConfig()).config->panel.codes;
  CHECK(defaults.lockout == Seconds{90});
  CHECK(defaults.lockout_max == Seconds{3600});

  json["codes"] = {{"lockout_s", 600}, {"lockout_max_s", 300}};
  test::RequireError(ParseConfig(json), "codes.lockout_max_s", "shorter than lockout_s");
  // A long fixed lockout alone raises the ceiling with it.
  json["codes"] = {{"lockout_s", 7200}};
  CHECK(ParseConfig(json).config->panel.codes.lockout_max == Seconds{7200});
}

TEST_CASE("config: local_mqtt.command_accounts and home_assistant_account") {
  nlohmann::json json = test::MinimalConfig();
  const ConfigResult defaults = ParseConfig(json);
  REQUIRE(defaults.config.has_value());
  CHECK(defaults.config->local_mqtt.command_accounts ==
        std::vector<std::string>{"homeassistant", "homesecctl"});
  CHECK(defaults.config->local_mqtt.home_assistant_account == "homeassistant");

  json["local_mqtt"]["command_accounts"] = {"ha", "ctl", "wall-tablet"};
  json["local_mqtt"]["home_assistant_account"] = "ha";
  const ConfigResult result = ParseConfig(json);
  INFO(test::AllErrors(result));
  REQUIRE(result.config.has_value());
  CHECK(result.config->local_mqtt.command_accounts.size() == 3);

  json["local_mqtt"]["command_accounts"] = {"ha", "result", "a/b", "+", "", 7, "ha"};
  const ConfigResult bad = ParseConfig(json);
  for (const char* path : {"local_mqtt.command_accounts[1]", "local_mqtt.command_accounts[2]",
                           "local_mqtt.command_accounts[3]", "local_mqtt.command_accounts[4]",
                           "local_mqtt.command_accounts[5]"}) {
    test::RequireError(bad, path, "invalid account name", "not \"result\"");
  }
  test::RequireError(bad, "local_mqtt.command_accounts[6]", "listed twice");
  json["local_mqtt"]["command_accounts"] = "ha";
  test::RequireError(ParseConfig(json), "local_mqtt.command_accounts", "expected a list");

  // Home Assistant's account must be one homesecd listens for, else its commands go nowhere.
  json["local_mqtt"]["command_accounts"] = {"homesecctl"};
  json["local_mqtt"]["home_assistant_account"] = "homeassistant";
  test::RequireError(ParseConfig(json), "local_mqtt.home_assistant_account",
                     "not in local_mqtt.command_accounts", "topic write");
  json["local_mqtt"]["home_assistant_account"] = "";
  CHECK(ParseConfig(json).config.has_value());
}

}  // namespace
}  // namespace homesec
