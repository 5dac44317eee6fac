// Ctrl-C for homesecctl's long-running commands (pair, walk-test): SIGINT / SIGTERM only set a
// flag, which the command's loop checks to end what it opened before it exits.
#include <signal.h>

#include <atomic>

#include "tools/homesecctl/ctl.hpp"

namespace homesec::ctl {
namespace {

std::atomic<bool> g_interrupted{false};

void OnInterrupt(int) {
  g_interrupted = true;
}

}  // namespace

void CatchInterrupts() {
  // Without SA_RESTART the broker wait returns at once.
  struct sigaction action {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool Interrupted() {
  return g_interrupted;
}

}  // namespace homesec::ctl
