// The event wire format: field names and values, round trips, and strict rejection of malformed
// events with a message that names the field.
#include <doctest/doctest.h>

#include <string>

#include "rules/event_json.hpp"

namespace homesec {
namespace {

Event SampleAlarm() {
  Event e;
  e.seq = 42;
  e.time = *ParseRfc3339("2026-11-28T17:10:46.123Z");
  e.category = EventCategory::kAlarm;
  e.priority = Priority::kCritical;
  e.type = "burglary";
  e.zone = "hall_door";
  e.device = "hall_door_contact";
  e.mode = Mode::kArmedAway;
  e.cid = ContactId{1, 130, 1, 3};
  e.vacant_watch = true;
  e.watch_id = "w-7";
  e.text = "Burglary: hall door";
  return e;
}

std::string ErrorFor(const nlohmann::json& json) {
  std::string error;
  const auto event = EventFromJson(json, &error);
  CHECK_FALSE(event.has_value());
  return error;
}

}  // namespace

TEST_CASE("event json: an event is written with the documented fields") {
  const nlohmann::json j = EventToJson(SampleAlarm(), "hub-1");
  CHECK(j.at("id") == "hub-1:42");
  CHECK(j.at("seq") == 42);
  CHECK(j.at("time") == "2026-11-28T17:10:46.123Z");
  CHECK(j.at("category") == "alarm");
  CHECK(j.at("priority") == "critical");
  CHECK(j.at("type") == "burglary");
  CHECK(j.at("zone") == "hall_door");
  CHECK(j.at("device") == "hall_door_contact");
  CHECK(j.at("user") == "");
  CHECK(j.at("mode") == "armed_away");
  CHECK(j.at("contact_id").at("qualifier") == 1);
  CHECK(j.at("contact_id").at("code") == 130);
  CHECK(j.at("contact_id").at("group") == 1);
  CHECK(j.at("contact_id").at("number") == 3);
  CHECK(j.at("contact_id").at("data") == "1130 01 003");
  CHECK(j.at("silent") == false);
  CHECK(j.at("vacant_watch") == true);
  CHECK(j.at("watch_id") == "w-7");
  CHECK(j.at("text") == "Burglary: hall door");
}

TEST_CASE("event json: event id is hub and seq") {
  CHECK(EventId("hub-1", 7) == "hub-1:7");
}

TEST_CASE("event json: an alarm round-trips unchanged") {
  const Event original = SampleAlarm();
  std::string error;
  const auto parsed = EventFromJson(EventToJson(original, "hub-1"), &error);
  REQUIRE_MESSAGE(parsed.has_value(), error);
  CHECK(*parsed == original);
}

TEST_CASE("event json: a silent duress disarm with a user round-trips unchanged") {
  Event e;
  e.seq = 18446744073709551000ull;  // seq survives the full 64-bit range
  e.time = *ParseRfc3339("2026-01-02T03:04:05.000Z");
  e.category = EventCategory::kAlarm;
  e.priority = Priority::kCritical;
  e.type = "duress";
  e.user = "anna";
  e.mode = Mode::kArmedNight;
  e.cid = ContactId{1, 121, 0, 4};
  e.silent = true;
  e.text = "Duress \"quoted\" \u00e4";
  std::string error;
  const auto parsed = EventFromJson(nlohmann::json::parse(EventToJson(e, "h").dump()), &error);
  REQUIRE_MESSAGE(parsed.has_value(), error);
  CHECK(*parsed == e);
}

TEST_CASE("event json: every category, priority and mode round-trips") {
  for (int c = 0; c <= static_cast<int>(EventCategory::kTest); ++c) {
    for (int p = 0; p <= static_cast<int>(Priority::kLow); ++p) {
      for (int m = 0; m <= static_cast<int>(Mode::kTriggered); ++m) {
        Event e = SampleAlarm();
        e.category = static_cast<EventCategory>(c);
        e.priority = static_cast<Priority>(p);
        e.mode = static_cast<Mode>(m);
        const auto parsed = EventFromJson(EventToJson(e, "hub"), nullptr);
        REQUIRE(parsed.has_value());
        CHECK(*parsed == e);
      }
    }
  }
}

TEST_CASE("event json: null for an optional text field reads as empty") {
  nlohmann::json j = EventToJson(SampleAlarm(), "hub-1");
  j["zone"] = nullptr;
  j["user"] = nullptr;
  std::string error;
  const auto parsed = EventFromJson(j, &error);
  REQUIRE_MESSAGE(parsed.has_value(), error);
  CHECK(parsed->zone.empty());
  CHECK(parsed->user.empty());
}

TEST_CASE("event json: the report flag is not on the wire and defaults to reported") {
  Event local = SampleAlarm();
  local.report = false;
  nlohmann::json j = EventToJson(local, "hub-1");
  CHECK_FALSE(j.contains("report"));
  auto parsed = EventFromJson(j, nullptr);
  REQUIRE(parsed.has_value());
  CHECK(parsed->report);
  j["report"] = false;
  parsed = EventFromJson(j, nullptr);
  REQUIRE(parsed.has_value());
  CHECK_FALSE(parsed->report);
}

TEST_CASE("event json: a missing field is rejected naming the field") {
  nlohmann::json j = EventToJson(SampleAlarm(), "hub-1");
  j.erase("priority");
  CHECK(ErrorFor(j) == "event.priority is missing");
  j = EventToJson(SampleAlarm(), "hub-1");
  j["contact_id"].erase("code");
  CHECK(ErrorFor(j) == "event.contact_id.code is missing");
  j = EventToJson(SampleAlarm(), "hub-1");
  j.erase("contact_id");
  CHECK(ErrorFor(j) == "event.contact_id is missing");
}

TEST_CASE("event json: a wrong type is rejected naming the field") {
  nlohmann::json j = EventToJson(SampleAlarm(), "hub-1");
  j["seq"] = "42";
  CHECK(ErrorFor(j) == "event.seq must be a non-negative integer");
  j = EventToJson(SampleAlarm(), "hub-1");
  j["seq"] = -1;
  CHECK(ErrorFor(j) == "event.seq must be a non-negative integer");
  j = EventToJson(SampleAlarm(), "hub-1");
  j["silent"] = 0;
  CHECK(ErrorFor(j) == "event.silent must be true or false");
  j = EventToJson(SampleAlarm(), "hub-1");
  j["type"] = nullptr;
  CHECK(ErrorFor(j) == "event.type must be a string");
  j = EventToJson(SampleAlarm(), "hub-1");
  j["contact_id"] = "1130 01 003";
  CHECK(ErrorFor(j) == "event.contact_id must be an object");
  j = EventToJson(SampleAlarm(), "hub-1");
  j["contact_id"]["number"] = 1.5;
  CHECK(ErrorFor(j) == "event.contact_id.number must be an integer");
}

TEST_CASE("event json: unknown enum values and bad times are rejected") {
  nlohmann::json j = EventToJson(SampleAlarm(), "hub-1");
  j["category"] = "burglary";
  CHECK(ErrorFor(j) == "event.category unknown value 'burglary'");
  j = EventToJson(SampleAlarm(), "hub-1");
  j["mode"] = "armed";
  CHECK(ErrorFor(j) == "event.mode unknown value 'armed'");
  j = EventToJson(SampleAlarm(), "hub-1");
  j["time"] = "yesterday";
  CHECK(ErrorFor(j) == "event.time must be an RFC 3339 time, got 'yesterday'");
}

TEST_CASE("event json: a Contact ID number out of range is rejected") {
  nlohmann::json j = EventToJson(SampleAlarm(), "hub-1");
  j["contact_id"]["code"] = 1000;
  CHECK(ErrorFor(j) == "event.contact_id.code must be between 0 and 999");
}

TEST_CASE("event json: an id that does not match the seq is rejected") {
  nlohmann::json j = EventToJson(SampleAlarm(), "hub-1");
  j["id"] = "hub-1:41";
  CHECK(ErrorFor(j) == "event.id 'hub-1:41' does not end in ':42' (the seq)");
}

TEST_CASE("event json: a non-object is rejected") {
  CHECK(ErrorFor(nlohmann::json::array()) == "event must be a JSON object");
  CHECK(ErrorFor(nlohmann::json("x")) == "event must be a JSON object");
}

}  // namespace homesec

namespace homesec {

TEST_CASE("event json: details appear only when an event has them, and round-trip") {
  Event plain;
  plain.seq = 1;
  plain.type = "armed";
  CHECK_FALSE(EventToJson(plain, "hub-1").contains("details"));

  Event report = plain;
  report.type = "watch_daily_report";
  report.details = R"({"zones_closed":9,"zones_open":[]})";
  const nlohmann::json j = EventToJson(report, "hub-1");
  CHECK(j.at("details").at("zones_closed") == 9);
  std::string error;
  const auto back = EventFromJson(j, &error);
  REQUIRE_MESSAGE(back.has_value(), error);
  CHECK(nlohmann::json::parse(back->details) == j.at("details"));

  nlohmann::json bad = j;
  bad["details"] = "not an object";
  CHECK_FALSE(EventFromJson(bad, &error).has_value());
  CHECK(error == "event.details must be an object");
}

}  // namespace homesec
