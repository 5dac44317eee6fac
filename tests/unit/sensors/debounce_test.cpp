// Software debounce: stable changes pass, chatter does not, a 400 ms alarm pulse always does.
#include "sensors/debounce.hpp"

#include <doctest/doctest.h>

namespace homesec {
namespace {

const MonoTime kT0{Millis{10'000}};

TEST_CASE("debounce: a change stable for the debounce time is emitted") {
  Debouncer d(Millis{50}, false);
  CHECK_FALSE(d.OnEdge(true, kT0).has_value());
  CHECK_FALSE(d.OnTick(kT0 + Millis{49}).has_value());
  CHECK(d.OnTick(kT0 + Millis{50}) == std::optional<bool>(true));
  CHECK(d.stable());
}

TEST_CASE("debounce: chatter shorter than the debounce is dropped") {
  Debouncer d(Millis{50}, false);
  d.OnEdge(true, kT0);
  d.OnEdge(false, kT0 + Millis{10});
  d.OnEdge(true, kT0 + Millis{20});
  d.OnEdge(false, kT0 + Millis{45});
  CHECK_FALSE(d.OnTick(kT0 + Millis{500}).has_value());
  CHECK_FALSE(d.stable());
  CHECK_FALSE(d.Deadline().has_value());
}

TEST_CASE("debounce: bouncing contact settles debounce time after its last bounce") {
  Debouncer d(Millis{50}, false);
  d.OnEdge(true, kT0);
  d.OnEdge(false, kT0 + Millis{5});
  d.OnEdge(true, kT0 + Millis{12});
  CHECK(d.Deadline() == kT0 + Millis{62});
  CHECK_FALSE(d.OnTick(kT0 + Millis{61}).has_value());
  CHECK(d.OnTick(kT0 + Millis{62}) == std::optional<bool>(true));
}

TEST_CASE("debounce: a 400 ms alarm pulse is detected at the maximum debounce") {
  Debouncer d(kMaxDebounce, false);
  d.OnEdge(true, kT0);
  CHECK(d.OnTick(kT0 + kMaxDebounce) == std::optional<bool>(true));
  d.OnEdge(false, kT0 + Millis{400});
  CHECK(d.OnTick(kT0 + Millis{400} + kMaxDebounce) == std::optional<bool>(false));
}

TEST_CASE("debounce: a pulse whose both edges are read late is still detected") {
  Debouncer d(Millis{100}, false);
  CHECK_FALSE(d.OnEdge(true, kT0).has_value());
  // The loop was busy: the falling edge is read with the rising one, 400 ms later.
  CHECK(d.OnEdge(false, kT0 + Millis{400}) == std::optional<bool>(true));
  CHECK(d.OnTick(kT0 + Millis{500}) == std::optional<bool>(false));
}

TEST_CASE("debounce: zero debounce emits every change at once") {
  Debouncer d(Millis{0}, false);
  CHECK(d.OnEdge(true, kT0) == std::optional<bool>(true));
  CHECK(d.OnEdge(false, kT0) == std::optional<bool>(false));
}

TEST_CASE("debounce: the deadline is when the pending change settles") {
  Debouncer d(Millis{80}, true);
  CHECK_FALSE(d.Deadline().has_value());
  d.OnEdge(false, kT0);
  CHECK(d.Deadline() == kT0 + Millis{80});
}

TEST_CASE("debounce: more than 300 ms is refused with the EN 50131-1 reason") {
  std::string error;
  CHECK(ValidateDebounce(Millis{300}, &error));
  CHECK_FALSE(ValidateDebounce(Millis{301}, &error));
  CHECK(error.find("400 ms") != std::string::npos);
  CHECK_FALSE(ValidateDebounce(Millis{-1}, &error));
}

}  // namespace
}  // namespace homesec
