// The input boundary; see input_boundary.hpp.
#include "daemon/input_boundary.hpp"

#include <exception>

#include "daemon/log.hpp"
#include "rules/text.hpp"

namespace homesec {
namespace {

constexpr const char* kTag = "boundary";

// What the exception says, printable (an exception text may quote outside input).
std::string Describe(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return PrintableText(e.what(), 300);
  } catch (...) {
    return "unknown exception";
  }
}

}  // namespace

InputCounters& InputCounters::Get() {
  static InputCounters counters;
  return counters;
}

void InputCounters::Add(std::string_view kind, std::uint64_t n) {
  const auto it = counts_.find(kind);
  if (it == counts_.end()) {
    counts_.emplace(std::string(kind), n);
  } else {
    it->second += n;
  }
}

std::uint64_t InputCounters::Value(std::string_view kind) const {
  const auto it = counts_.find(kind);
  return it == counts_.end() ? 0 : it->second;
}

bool RunGuarded(std::string_view where, const std::function<void()>& handle,
                const std::function<void(const std::string& why)>& refuse) {
  std::exception_ptr error;
  try {
    handle();
    return true;
  } catch (...) {
    error = std::current_exception();
  }
  const std::string what = Describe(error);
  InputCounters::Get().Add("handler.exception");
  LogMessage(LogLevel::kError, kTag,
             std::string(where) + ": input handler failed, input dropped: " + what);
  if (refuse) {
    try {
      refuse("internal error while handling the request (logged on the hub)");
    } catch (...) {
      InputCounters::Get().Add("handler.exception");
      LogMessage(LogLevel::kError, kTag,
                 std::string(where) +
                     ": sending the refusal failed: " + Describe(std::current_exception()));
    }
  }
  return false;
}

}  // namespace homesec
