// Platform acks on the uplink: only {"id": "<this hub>:<seq>", "status": known} is an ack.
#include <doctest/doctest.h>

#include "daemon/uplink.hpp"

namespace homesec {

TEST_CASE("platform ack: received for one of our events gives its sequence number") {
  std::string error;
  const auto ack = ParsePlatformAck(R"({"id":"hub-1:42","status":"received"})", "hub-1", &error);
  REQUIRE(ack.has_value());
  CHECK(ack->seq == 42);
  CHECK(ack->status == "received");
}

TEST_CASE("platform ack: later statuses keep the platform's note") {
  std::string error;
  const auto ack = ParsePlatformAck(R"({"id":"hub-1:7","status":"on_scene","note":"patrol 3"})",
                                    "hub-1", &error);
  REQUIRE(ack.has_value());
  CHECK(ack->status == "on_scene");
  CHECK(ack->note == "patrol 3");
}

TEST_CASE("platform ack: an ack for another hub is rejected") {
  std::string error;
  CHECK_FALSE(ParsePlatformAck(R"({"id":"hub-2:7","status":"received"})", "hub-1", &error));
  CHECK(error.find("hub-1") != std::string::npos);
}

TEST_CASE("platform ack: malformed acks are rejected saying why") {
  std::string error;
  CHECK_FALSE(ParsePlatformAck("not json", "hub-1", &error));
  CHECK_FALSE(ParsePlatformAck(R"({"status":"received"})", "hub-1", &error));
  CHECK(error.find("id") != std::string::npos);
  CHECK_FALSE(ParsePlatformAck(R"({"id":"hub-1:x","status":"received"})", "hub-1", &error));
  CHECK_FALSE(ParsePlatformAck(R"({"id":"hub-1:5","status":"maybe"})", "hub-1", &error));
  CHECK(error.find("maybe") != std::string::npos);
}

TEST_CASE("platform command: request_id and time of the commands that act on the panel") {
  std::string error;
  const auto silence = ParsePlatformCommand(
      R"({"action":"silence_siren","request_id":"p-1","time":"2026-12-02T01:00:00Z"})", &error);
  REQUIRE(silence.has_value());
  CHECK(silence->command.request_id == "p-1");
  REQUIRE(silence->sent.has_value());
  CHECK(FormatRfc3339(*silence->sent) == "2026-12-02T01:00:00.000Z");
  const auto check_in =
      ParsePlatformCommand(R"({"action":"patrol_check_in","request_id":"p-2"})", &error);
  REQUIRE(check_in.has_value());
  CHECK(check_in->command.request_id == "p-2");
  CHECK_FALSE(check_in->sent.has_value());
  // An id is kept one per line and echoed: printable and short, or the command is refused.
  for (const char* bad : {R"({"action":"silence_siren","request_id":"a\nb"})",
                          R"({"action":"patrol_check_in","request_id":7})",
                          R"({"action":"silence_siren","time":"yesterday"})",
                          R"({"action":"patrol_check_in","time":1700000000})"}) {
    INFO(bad);
    error.clear();
    CHECK_FALSE(ParsePlatformCommand(bad, &error).has_value());
    CHECK_FALSE(error.empty());
  }
  CHECK_FALSE(ParsePlatformCommand(R"({"action":"silence_siren","request_id":")" +
                                       std::string(kMaxRequestIdBytes + 1, 'x') + "\"}",
                                   &error)
                  .has_value());
}

TEST_CASE("uplink topics: <prefix>/<district>/<hub>/...") {
  UplinkConfig uplink;
  HubConfig hub{"h1", "d1", "Flat"};
  const UplinkTopics topics = MakeUplinkTopics(uplink, hub);
  CHECK(topics.Events() == "homesec/v1/d1/h1/events");
  CHECK(topics.Ack() == "homesec/v1/d1/h1/ack");
  CHECK(topics.Status() == "homesec/v1/d1/h1/status");
}

}  // namespace homesec
