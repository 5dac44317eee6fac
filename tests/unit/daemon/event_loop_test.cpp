// The event loop: timers in deadline order on one timerfd, fd readiness, prepare hooks.
#include <doctest/doctest.h>

#include <sys/epoll.h>
#include <unistd.h>

#include <vector>

#include "daemon/event_loop.hpp"

namespace homesec {

TEST_CASE("event loop: timers fire in deadline order, cancelled ones never") {
  std::string error;
  auto loop = EventLoop::Create(&error);
  REQUIRE(loop);
  std::vector<int> fired;
  // Deadlines from one clock reading, so that their order does not depend on how long the
  // machine takes between the calls; added out of order.
  const MonoTime start = ClockNow().mono;
  loop->At(start + Millis(30), [&] { fired.push_back(3); });
  loop->At(start + Millis(10), [&] { fired.push_back(1); });
  const auto cancelled = loop->At(start + Millis(20), [&] { fired.push_back(2); });
  loop->At(start + Millis(40), [&] { loop->Stop(); });
  loop->Cancel(cancelled);
  CHECK(loop->Run());
  CHECK(fired == std::vector<int>{1, 3});
}

TEST_CASE("event loop: a readable fd calls its handler, an unwatched one is forgotten") {
  std::string error;
  auto loop = EventLoop::Create(&error);
  REQUIRE(loop);
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  int calls = 0;
  REQUIRE(loop->Watch(
      fds[0], EPOLLIN,
      [&](std::uint32_t) {
        char c;
        CHECK(read(fds[0], &c, 1) == 1);
        ++calls;
        loop->Unwatch(fds[0]);
        CHECK(write(fds[1], "y", 1) == 1);  // no handler any more
        loop->After(Millis(20), [&] { loop->Stop(); });
      },
      &error));
  CHECK(write(fds[1], "x", 1) == 1);
  CHECK(loop->Run());
  CHECK(calls == 1);
  close(fds[0]);
  close(fds[1]);
}

TEST_CASE("event loop: prepare hooks run before every sleep and may stop the loop") {
  std::string error;
  auto loop = EventLoop::Create(&error);
  REQUIRE(loop);
  int runs = 0;
  loop->AddPrepareHook([&] {
    if (++runs == 3) loop->Stop();
  });
  // Each timer arms the next, so every wake-up handles exactly one and sleeps again however slow
  // the machine is (two timers armed together may expire in the same wake-up).
  loop->After(Millis(1), [&] { loop->After(Millis(1), [] {}); });
  const auto safety = loop->After(Millis(10000), [&] { loop->Stop(); });
  CHECK(loop->Run());
  CHECK(runs == 3);
  loop->Cancel(safety);
}

TEST_CASE("event loop: idle means asleep (no wakeups without fds or timers firing)") {
  std::string error;
  auto loop = EventLoop::Create(&error);
  REQUIRE(loop);
  loop->After(Millis(200), [&] { loop->Stop(); });
  CHECK(loop->Run());
  CHECK(loop->wakeups() == 1);
}

}  // namespace homesec
