// Log lines to stderr with journald priority prefixes; see log.hpp.
#include "daemon/log.hpp"

#include <atomic>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <vector>

#include "rules/text.hpp"

namespace homesec {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

LogSink& Sink() {
  static LogSink sink;
  return sink;
}

constexpr std::size_t kMaxMessageBytes = 2000;

constexpr std::string_view kSecretKeys[] = {"code", "pin", "password"};

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// If a secret key starts at `pos` ("code", possibly quoted) followed by ':' or '=', returns the
// position of its value, else npos.
std::size_t SecretValueAt(std::string_view text, std::size_t pos) {
  for (std::string_view key : kSecretKeys) {
    if (text.substr(pos, key.size()) != key) continue;
    if (pos > 0 && IsWordChar(text[pos - 1])) continue;  // "zipcode" is no secret
    std::size_t i = pos + key.size();
    if (i < text.size() && IsWordChar(text[i])) continue;
    if (i < text.size() && text[i] == '"') ++i;
    while (i < text.size() && text[i] == ' ') ++i;
    if (i >= text.size() || (text[i] != ':' && text[i] != '=')) continue;
    ++i;
    while (i < text.size() && text[i] == ' ') ++i;
    return i;
  }
  return std::string_view::npos;
}

void Emit(LogLevel level, const char* tag, const char* format, va_list args) {
  if (!LogEnabled(level)) return;
  char buffer[1024];
  const int n = std::vsnprintf(buffer, sizeof buffer, format, args);
  if (n < 0) return;
  std::string_view message(buffer,
                           std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buffer - 1));
  LogMessage(level, tag, message);
}

}  // namespace

std::string_view ToString(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "error";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kNotice:
      return "notice";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kDebug:
      return "debug";
  }
  return "info";
}

std::optional<LogLevel> ParseLogLevel(std::string_view text) {
  if (text == "debug") return LogLevel::kDebug;
  if (text == "info") return LogLevel::kInfo;
  if (text == "notice") return LogLevel::kNotice;
  if (text == "warning" || text == "warn") return LogLevel::kWarning;
  if (text == "error" || text == "err") return LogLevel::kError;
  return std::nullopt;
}

void SetLogLevel(LogLevel level) {
  g_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

LogLevel CurrentLogLevel() {
  return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed));
}

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) <= g_level.load(std::memory_order_relaxed);
}

void SetLogSink(LogSink sink) {
  Sink() = std::move(sink);
}

std::string RedactSecrets(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  std::size_t i = 0;
  while (i < message.size()) {
    const std::size_t value = SecretValueAt(message, i);
    if (value == std::string_view::npos) {
      out += message[i++];
      continue;
    }
    out.append(message.substr(i, value - i));
    i = value;
    if (i < message.size() && message[i] == '"') {
      // A quoted value: mask up to the closing quote (escapes included).
      out += "\"***\"";
      ++i;
      while (i < message.size() && message[i] != '"') i += message[i] == '\\' ? 2 : 1;
      ++i;
    } else {
      out += "***";
      while (i < message.size() && message[i] != ',' && message[i] != '}' && message[i] != ' ' &&
             message[i] != '&' && message[i] != ';') {
        ++i;
      }
    }
  }
  return out;
}

void LogMessage(LogLevel level, std::string_view tag, std::string_view message) {
  if (!LogEnabled(level)) return;
  // sd-daemon's "<N>" priority prefix.
  std::string line(1, '<');
  line += std::to_string(static_cast<int>(level));
  line += '>';
  line.append(tag);
  line += ": ";
  // One printable line per message, whatever a payload quoted in it holds: its newlines would
  // split it into several journal entries (forged ones among them), its escape sequences would
  // drive the reader's terminal, and invalid UTF-8 garbles journalctl's output.
  std::string text = RedactSecrets(message);
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  line += PrintableText(text, kMaxMessageBytes);
  if (Sink()) {
    Sink()(line);
    return;
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write: lines never interleave
}

#define HOMESEC_LOGGER_METHOD(Name, level)           \
  void Logger::Name(const char* format, ...) const { \
    va_list args;                                    \
    va_start(args, format);                          \
    Emit(level, tag_, format, args);                 \
    va_end(args);                                    \
  }
HOMESEC_LOGGER_METHOD(Debug, LogLevel::kDebug)
HOMESEC_LOGGER_METHOD(Info, LogLevel::kInfo)
HOMESEC_LOGGER_METHOD(Notice, LogLevel::kNotice)
HOMESEC_LOGGER_METHOD(Warning, LogLevel::kWarning)
HOMESEC_LOGGER_METHOD(Error, LogLevel::kError)
#undef HOMESEC_LOGGER_METHOD

}  // namespace homesec
