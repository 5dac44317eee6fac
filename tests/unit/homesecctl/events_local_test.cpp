// homesecctl events shows the log as the local event stream does (issue 11): no silent event,
// and no gap where one was.
#include <doctest/doctest.h>

#include "tools/homesecctl/format.hpp"

namespace homesec {
namespace {

Event MakeEvent(std::uint64_t seq, std::string type, bool silent = false) {
  Event event;
  event.seq = seq;
  event.type = std::move(type);
  event.silent = silent;
  event.text = event.type;
  return event;
}

TEST_CASE("homesecctl events: a duress event is neither shown nor leaves a gap") {
  SilentHistory silent;
  silent.Add(3);
  const std::vector<Event> log{MakeEvent(1, "armed"), MakeEvent(2, "entry"),
                               MakeEvent(3, "duress", true), MakeEvent(4, "disarmed"),
                               MakeEvent(5, "armed")};
  const std::vector<Event> local = LocalEvents(log, silent, 20);
  REQUIRE(local.size() == 4);
  CHECK(local[2].type == "disarmed");
  CHECK(local[2].seq == 3);
  CHECK(local[3].seq == 4);
  const std::string table = FormatEvents(local);
  CHECK(table.find("duress") == std::string::npos);
  // --last counts shown events.
  const std::vector<Event> last_two = LocalEvents(log, silent, 2);
  REQUIRE(last_two.size() == 2);
  CHECK(last_two[0].type == "disarmed");
}

TEST_CASE("homesecctl events: an event known silent by seq is hidden even if not flagged") {
  SilentHistory silent;
  silent.Add(2);
  const std::vector<Event> local =
      LocalEvents({MakeEvent(1, "a"), MakeEvent(2, "b"), MakeEvent(3, "c")}, silent, 20);
  REQUIRE(local.size() == 2);
  CHECK(local[1].seq == 2);
}

}  // namespace
}  // namespace homesec
