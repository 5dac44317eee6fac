// The epoll loop: fds, one timerfd carrying the earliest deadline of the queue, and a signalfd.
#include "daemon/event_loop.hpp"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "daemon/input_boundary.hpp"

namespace homesec {

Now ClockNow() {
  const auto mono = std::chrono::time_point_cast<Millis>(std::chrono::steady_clock::now());
  const auto wall = std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now());
  return Now{mono, wall};
}

namespace {

std::string Errno(const char* what) {
  return std::string(what) + ": " + std::strerror(errno);
}

}  // namespace

std::unique_ptr<EventLoop> EventLoop::Create(std::string* error) {
  const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd < 0) {
    *error = Errno("epoll_create1");
    return nullptr;
  }
  const int timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timer_fd < 0) {
    *error = Errno("timerfd_create");
    close(epoll_fd);
    return nullptr;
  }
  // Signals are only ever consumed through the signalfd: blocked for the (single) thread.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGTERM);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGHUP);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a broker closing a socket must not kill the daemon
  // A file size limit (RLIMIT_FSIZE) reached by the store must be a failed write (EFBIG), which
  // the daemon survives, not a signal that kills it.
  signal(SIGXFSZ, SIG_IGN);
  const int signal_fd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd < 0) {
    *error = Errno("signalfd");
    close(timer_fd);
    close(epoll_fd);
    return nullptr;
  }
  std::unique_ptr<EventLoop> loop(new EventLoop(epoll_fd, timer_fd, signal_fd));
  for (const int fd : {timer_fd, signal_fd}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
      *error = Errno("epoll_ctl");
      return nullptr;
    }
  }
  return loop;
}

EventLoop::EventLoop(int epoll_fd, int timer_fd, int signal_fd)
    : epoll_fd_(epoll_fd), timer_fd_(timer_fd), signal_fd_(signal_fd) {}

EventLoop::~EventLoop() {
  close(signal_fd_);
  close(timer_fd_);
  close(epoll_fd_);
}

bool EventLoop::Watch(int fd, std::uint32_t epoll_events, FdHandler handler, std::string* error) {
  epoll_event ev{};
  ev.events = epoll_events;
  ev.data.fd = fd;
  const bool known = handlers_.count(fd) != 0;
  if (epoll_ctl(epoll_fd_, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &ev) != 0) {
    // The fd number may have been closed and reused behind our back (libmosquitto closes its
    // socket itself): fall back to a fresh registration.
    if (!(known && errno == ENOENT && epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0)) {
      if (error != nullptr) *error = Errno("epoll_ctl");
      return false;
    }
  }
  handlers_[fd] = std::make_shared<FdHandler>(std::move(handler));
  return true;
}

bool EventLoop::Modify(int fd, std::uint32_t epoll_events, std::string* error) {
  epoll_event ev{};
  ev.events = epoll_events;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) {
    if (error != nullptr) *error = Errno("epoll_ctl(MOD)");
    return false;
  }
  return true;
}

void EventLoop::Unwatch(int fd) {
  if (handlers_.erase(fd) == 0) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);  // ENOENT/EBADF after a close: fine
}

EventLoop::TimerId EventLoop::At(MonoTime deadline, std::function<void()> fn) {
  const TimerId id = next_timer_id_++;
  deadlines_.emplace(deadline, id);
  timers_.emplace(id, std::make_pair(deadline, std::move(fn)));
  return id;
}

EventLoop::TimerId EventLoop::After(Millis delay, std::function<void()> fn) {
  return At(ClockNow().mono + delay, std::move(fn));
}

void EventLoop::Cancel(TimerId id) {
  const auto it = timers_.find(id);
  if (it == timers_.end()) return;
  auto [first, last] = deadlines_.equal_range(it->second.first);
  for (auto d = first; d != last; ++d) {
    if (d->second == id) {
      deadlines_.erase(d);
      break;
    }
  }
  timers_.erase(it);
}

EventLoop::HookId EventLoop::AddPrepareHook(std::function<void()> hook) {
  const HookId id = next_hook_id_++;
  prepare_hooks_.emplace(id, std::move(hook));
  return id;
}

void EventLoop::RemovePrepareHook(HookId id) {
  prepare_hooks_.erase(id);
}

void EventLoop::Post(std::function<void()> task) {
  posted_.push_back(std::move(task));
}

void EventLoop::RunPosted() {
  while (!posted_.empty()) {
    std::function<void()> task = std::move(posted_.front());
    posted_.pop_front();
    RunGuarded("posted task", task);
  }
}

void EventLoop::ArmTimerFd() {
  const MonoTime earliest = deadlines_.empty() ? MonoTime::max() : deadlines_.begin()->first;
  if (earliest == armed_for_) return;
  armed_for_ = earliest;
  itimerspec spec{};
  if (earliest != MonoTime::max()) {
    const auto ms = earliest.time_since_epoch().count();
    // 0/0 would disarm the timer: a deadline at the epoch is simply "now".
    spec.it_value.tv_sec = ms / 1000;
    spec.it_value.tv_nsec = (ms % 1000) * 1000000 + 1;
  }
  timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void EventLoop::FireDueTimers() {
  std::uint64_t expirations = 0;
  while (read(timer_fd_, &expirations, sizeof expirations) > 0) {
  }
  armed_for_ = MonoTime::max();  // the timerfd is disarmed once it fired
  const MonoTime now = ClockNow().mono;
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    const TimerId id = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    auto it = timers_.find(id);
    if (it == timers_.end()) continue;
    auto fn = std::move(it->second.second);
    timers_.erase(it);
    RunGuarded("timer", fn);
    RunPosted();
  }
}

void EventLoop::DrainSignals() {
  signalfd_siginfo info{};
  while (read(signal_fd_, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    if (!signal_handler_) continue;
    const int signal_number = static_cast<int>(info.ssi_signo);
    RunGuarded("signal " + std::to_string(signal_number), [&] { signal_handler_(signal_number); });
    RunPosted();
  }
}

bool EventLoop::Run() {
  running_ = true;
  constexpr int kMaxEvents = 32;
  epoll_event events[kMaxEvents];
  while (running_) {
    RunPosted();
    // A hook may remove hooks (a client destroyed during a reload): iterate over ids.
    for (HookId id = 0;;) {
      const auto it = prepare_hooks_.upper_bound(id);
      if (it == prepare_hooks_.end()) break;
      id = it->first;
      const std::function<void()> hook = it->second;
      RunGuarded("prepare hook", hook);
    }
    if (!running_) break;
    if (!posted_.empty()) continue;  // a hook posted work: run it, then the hooks again
    ArmTimerFd();
    const int n = epoll_wait(epoll_fd_, events, kMaxEvents, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    ++wakeups_;
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == timer_fd_) {
        FireDueTimers();
      } else if (fd == signal_fd_) {
        DrainSignals();
      } else {
        const auto it = handlers_.find(fd);
        if (it == handlers_.end()) continue;                    // unwatched by an earlier handler
        const std::shared_ptr<FdHandler> handler = it->second;  // survives a self-unwatch
        const std::uint32_t ready = events[i].events;
        RunGuarded("fd handler", [&] { (*handler)(ready); });
        RunPosted();
      }
    }
  }
  return true;
}

}  // namespace homesec
