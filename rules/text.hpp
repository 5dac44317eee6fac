// Text from outside (MQTT payloads, config files, platform notes) as the rest of the code may use
// it: UTF-8 checked, cut on character boundaries, and made safe to show in a log line or a JSON
// reply. nlohmann/json throws type_error.316 when it dumps a string that is not valid UTF-8, and
// a log line must never carry a terminal escape from a stranger's payload; these functions are
// the one place that decides how such text is shown. They never throw.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace homesec {

// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a
// multi-byte character. Valid UTF-8 in, valid UTF-8 out.
std::string CutUtf8(std::string_view text, std::size_t max_bytes);

// `text` made printable for a person: valid characters kept, every byte of an invalid sequence
// and every control character (C0, DEL) written as "\xNN", then cut to at most `max_bytes` on a
// character boundary with "..." appended when anything was cut. Always valid UTF-8.
std::string PrintableText(std::string_view text, std::size_t max_bytes = 200);

}  // namespace homesec
