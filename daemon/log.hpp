// The one logging facility of homesec's processes: levels, a tag per file, one line per message
// on stderr with the "<N>" syslog priority prefix journald understands (sd-daemon(3)), so
// `journalctl -p warning -u homesecd` works without a logging library.
//
//   namespace { constexpr Logger kLog("uplink"); }
//   kLog.Warning("broker %s:%d unreachable: %s", host.c_str(), port, reason.c_str());
//
// Secrets never reach the log: values of "code", "pin" and "password" keys (JSON or key=value)
// are masked in every line, as a last line of defence behind callers not logging them at all.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace homesec {

// Values are the syslog priorities used as journald prefixes.
enum class LogLevel { kError = 3, kWarning = 4, kNotice = 5, kInfo = 6, kDebug = 7 };
std::string_view ToString(LogLevel level);
// "debug", "info", "notice", "warning" (or "warn"), "error" (or "err").
std::optional<LogLevel> ParseLogLevel(std::string_view text);

// Messages less severe than this are dropped (default kInfo). Settable at runtime (reload).
void SetLogLevel(LogLevel level);
LogLevel CurrentLogLevel();
bool LogEnabled(LogLevel level);

// Where finished lines go ("<6>tag: message", no newline). Empty = stderr. For tests.
using LogSink = std::function<void(std::string_view line)>;
void SetLogSink(LogSink sink);

// Masks the values of secret keys: {"code":"1234"} -> {"code":"***"}, pin=1234 -> pin=***.
std::string RedactSecrets(std::string_view message);

// Writes one line if `level` is enabled.
void LogMessage(LogLevel level, std::string_view tag, std::string_view message);

// A tag plus printf-style methods; one per file.
class Logger {
 public:
  constexpr explicit Logger(const char* tag) : tag_(tag) {}

  void Debug(const char* format, ...) const __attribute__((format(printf, 2, 3)));
  void Info(const char* format, ...) const __attribute__((format(printf, 2, 3)));
  void Notice(const char* format, ...) const __attribute__((format(printf, 2, 3)));
  void Warning(const char* format, ...) const __attribute__((format(printf, 2, 3)));
  void Error(const char* format, ...) const __attribute__((format(printf, 2, 3)));

  const char* tag() const { return tag_; }

 private:
  const char* tag_;
};

}  // namespace homesec
