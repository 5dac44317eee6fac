// The daemon's one event loop: a single thread sleeping in epoll_wait. It owns one timerfd for
// every deadline (a deadline queue keyed by monotonic time) and a signalfd for TERM/INT (stop)
// and HUP (reload). Components are passive: they register fds with a handler, add timers, and
// may register a "prepare" hook that runs before every sleep (to re-check libmosquitto's
// want_write, re-register a socket after a reconnect, or re-arm a deadline), and may Post() work
// that must not run where it was triggered (inside a C library's callback: libmosquitto's own
// mutexes are held there, and publishing from on_publish deadlocked the daemon). Every handler,
// timer, hook and posted task runs behind the input boundary (input_boundary.hpp): an exception
// is logged and counted, and the loop goes on. Nothing blocks except epoll_wait.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "rules/time.hpp"

namespace homesec {

// Reads both clocks (the only place the daemon does).
Now ClockNow();

class EventLoop {
 public:
  using FdHandler = std::function<void(std::uint32_t epoll_events)>;
  using TimerId = std::uint64_t;
  using SignalHandler = std::function<void(int signal_number)>;

  // Creates the epoll set, the timerfd and the signalfd (blocking TERM, INT and HUP for the
  // thread, ignoring PIPE). nullptr and `error` on failure.
  static std::unique_ptr<EventLoop> Create(std::string* error);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Adds `fd` (or replaces its interest and handler when already watched).
  bool Watch(int fd, std::uint32_t epoll_events, FdHandler handler, std::string* error);
  // Changes the interest of a watched fd.
  bool Modify(int fd, std::uint32_t epoll_events, std::string* error);
  // Forgets `fd`. Harmless when it is not watched or already closed.
  void Unwatch(int fd);
  bool IsWatched(int fd) const { return handlers_.count(fd) != 0; }

  // One-shot timers on the monotonic clock. Cancelling an unknown or fired id is harmless.
  TimerId At(MonoTime deadline, std::function<void()> fn);
  TimerId After(Millis delay, std::function<void()> fn);
  void Cancel(TimerId id);

  // Runs `task` after the current handler (fd, timer, signal or posted task) has returned, before
  // the loop looks at any other fd, in the order posted. Never runs it at once, even when called
  // between handlers.
  void Post(std::function<void()> task);
  // Runs every posted task, those they post included, in order. The loop calls it after each
  // handler; tests that drive components by hand call it too.
  void RunPosted();

  // Runs before every epoll_wait, in registration order, until removed.
  using HookId = std::uint64_t;
  HookId AddPrepareHook(std::function<void()> hook);
  void RemovePrepareHook(HookId id);
  void OnSignal(SignalHandler handler) { signal_handler_ = std::move(handler); }

  // Runs until Stop(). Returns false when epoll itself failed.
  bool Run();
  void Stop() { running_ = false; }

  // Counters for tests and the idle-CPU benchmark.
  std::uint64_t wakeups() const { return wakeups_; }

 private:
  EventLoop(int epoll_fd, int timer_fd, int signal_fd);
  void ArmTimerFd();
  void FireDueTimers();
  void DrainSignals();

  int epoll_fd_;
  int timer_fd_;
  int signal_fd_;
  bool running_ = false;
  std::uint64_t wakeups_ = 0;
  TimerId next_timer_id_ = 1;
  std::map<int, std::shared_ptr<FdHandler>> handlers_;
  std::multimap<MonoTime, TimerId> deadlines_;
  std::map<TimerId, std::pair<MonoTime, std::function<void()>>> timers_;
  MonoTime armed_for_ = MonoTime::max();
  HookId next_hook_id_ = 1;
  std::map<HookId, std::function<void()>> prepare_hooks_;
  std::deque<std::function<void()>> posted_;
  SignalHandler signal_handler_;
};

}  // namespace homesec
