// Reading a PIN without echo (termios on /dev/tty, so it works even when stdout is piped) or as
// one line from stdin for scripts (--pin-stdin). The PIN never appears on screen or in a log.
#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "tools/homesecctl/ctl.hpp"

namespace homesec::ctl {
namespace {

// Restored if the user presses Ctrl-C at the prompt, so the shell does not stay without echo.
int g_tty_fd = -1;
struct termios g_saved_termios;

void RestoreTerminalAndExit(int signal_number) {
  if (g_tty_fd >= 0) ::tcsetattr(g_tty_fd, TCSAFLUSH, &g_saved_termios);
  ::_exit(128 + signal_number);
}

std::string TrimLineEnd(std::string line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  return line;
}

std::optional<std::string> ReadHiddenLine(int fd, const std::string& prompt) {
  (void)!::write(fd, prompt.data(), prompt.size());
  std::string line;
  char c = 0;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  (void)!::write(fd, "\n", 1);
  return TrimLineEnd(std::move(line));
}

}  // namespace

std::optional<std::string> ReadPin(const std::string& prompt, bool from_stdin, bool confirm,
                                   std::string* error) {
  if (from_stdin) {
    std::string line;
    if (!std::getline(std::cin, line)) {
      *error = "--pin-stdin: no PIN on stdin";
      return std::nullopt;
    }
    return TrimLineEnd(std::move(line));
  }
  const int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    *error = "no terminal to read the PIN from; pipe it in with --pin-stdin";
    return std::nullopt;
  }
  if (::tcgetattr(fd, &g_saved_termios) != 0) {
    ::close(fd);
    *error = "cannot switch off echo on the terminal; use --pin-stdin";
    return std::nullopt;
  }
  g_tty_fd = fd;
  struct sigaction action {};
  action.sa_handler = RestoreTerminalAndExit;
  struct sigaction old_int {
  }, old_term{};
  ::sigaction(SIGINT, &action, &old_int);
  ::sigaction(SIGTERM, &action, &old_term);
  struct termios hidden = g_saved_termios;
  hidden.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  ::tcsetattr(fd, TCSAFLUSH, &hidden);

  std::optional<std::string> pin = ReadHiddenLine(fd, prompt);
  if (pin && confirm) {
    const std::optional<std::string> again = ReadHiddenLine(fd, "Repeat the PIN: ");
    if (again != pin) {
      *error = "the two PINs differ";
      pin.reset();
    }
  }
  ::tcsetattr(fd, TCSAFLUSH, &g_saved_termios);
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  g_tty_fd = -1;
  ::close(fd);
  return pin;
}

}  // namespace homesec::ctl
