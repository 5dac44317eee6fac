// Text and JSON from outside: UTF-8 checks, cuts on character boundaries, printable text, and
// JSON parsed within size and depth limits (rules/text.hpp, rules/json_limits.hpp).
#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "rules/json_limits.hpp"
#include "rules/text.hpp"

namespace homesec {
namespace {

const std::string kChinese = "\xe5\xb7\xa1";  // 巡, three bytes

TEST_CASE("text: well-formed UTF-8 is accepted, every malformed form refused") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("ARM_AWAY"));
  CHECK(IsValidUtf8(kChinese + "\xf0\x9f\x94\x94"));  // 巡🔔
  CHECK_FALSE(IsValidUtf8("ARM\xff"));
  CHECK_FALSE(IsValidUtf8("\xc0\xaf"));             // overlong '/'
  CHECK_FALSE(IsValidUtf8("\xed\xa0\x80"));         // a UTF-16 surrogate
  CHECK_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));     // above U+10FFFF
  CHECK_FALSE(IsValidUtf8(kChinese.substr(0, 2)));  // cut mid-character
  CHECK_FALSE(IsValidUtf8("\x80"));                 // a lone continuation byte
}

TEST_CASE("text: a cut never ends inside a character") {
  std::string note;
  for (int i = 0; i < 167; ++i) note += kChinese;  // 501 bytes, the patrol note of issue 10
  const std::string cut = CutUtf8(note, 500);
  CHECK(cut.size() == 498);
  CHECK(IsValidUtf8(cut));
  CHECK(CutUtf8("short", 500) == "short");
  CHECK(CutUtf8(kChinese, 2).empty());
}

TEST_CASE("text: printable text escapes control characters and invalid bytes, and says it cut") {
  CHECK(PrintableText("ARM\xff") == "ARM\\xff");
  CHECK(PrintableText("line\nforged line") == "line\\x0aforged line");
  CHECK(PrintableText("\x1b[31mred") == "\\x1b[31mred");
  CHECK(PrintableText(kChinese) == kChinese);
  const std::string long_text(300, 'a');
  const std::string shown = PrintableText(long_text, 10);
  CHECK(shown == "aaaaaaaaaa...");
  std::string chinese;
  for (int i = 0; i < 10; ++i) chinese += kChinese;
  CHECK(IsValidUtf8(PrintableText(chinese, 10)));
  CHECK(IsValidUtf8(PrintableText("\xe5\xb7", 10)));
}

TEST_CASE("json limits: a payload over the size cap is refused before parsing") {
  std::string error;
  CHECK_FALSE(ParseJsonWithin(std::string(100, ' ') + "{}", JsonLimits{64, 8}, &error));
  CHECK(error.find("larger than 64 bytes") != std::string::npos);
}

TEST_CASE("json limits: deep nesting is refused without building it") {
  std::string error;
  const std::string deep(8 * 1024 * 1024, '[');  // issue 10: 644 MiB resident before the fix
  CHECK_FALSE(ParseJsonWithin(deep, JsonLimits{16 * 1024 * 1024, 32}, &error));
  CHECK(error.find("nested deeper than 32 levels") != std::string::npos);
  CHECK(JsonNestingDepth("[[[]]]", 10) == 3);
  // Brackets inside strings are text, not nesting.
  CHECK(JsonNestingDepth(R"({"a": "[[[[[[", "b": "\"[["})", 10) == 1);
  CHECK(ParseJsonWithin(R"({"a": {"b": [1, 2]}})", JsonLimits{}, &error).has_value());
}

TEST_CASE("json limits: a payload of many tiny values is refused before it is built") {
  std::string tiny = "[";
  for (int i = 0; i < 100000; ++i) tiny += "0,";
  tiny += "0]";
  std::string error;
  CHECK_FALSE(ParseJsonWithin(tiny, JsonLimits{1024 * 1024, 8, 50000}, &error));
  CHECK(error.find("more than 50000 values") != std::string::npos);
  CHECK(ParseJsonWithin(tiny, JsonLimits{1024 * 1024, 8, 200000}, &error).has_value());
  // Commas inside strings are text.
  CHECK(JsonValueCount(R"(["a,b,c", {"k": 1}])") == 4);
}

TEST_CASE("json limits: syntax errors, huge numbers and invalid UTF-8 are errors, never throws") {
  std::string error;
  CHECK_FALSE(ParseJsonWithin(R"({"heartbeat_s": 1e999})", JsonLimits{}, &error));
  CHECK_FALSE(error.empty());
  error.clear();
  CHECK_FALSE(ParseJsonWithin("{\"text\": \"\xff\"}", JsonLimits{}, &error));
  CHECK(IsValidUtf8(error));
  error.clear();
  CHECK_FALSE(ParseJsonWithin("{\"a\":", JsonLimits{}, &error));
  CHECK(error.find("invalid JSON") != std::string::npos);
}

TEST_CASE("json limits: snapshot integers out of their type's range are refused, not converted") {
  CHECK(IntegerIn(nlohmann::json(42), 0, 100, "n") == 42);
  CHECK_THROWS_AS(IntegerIn(nlohmann::json(9e9), 0, 100, "n"), std::invalid_argument);  // a float
  CHECK_THROWS_AS(IntegerIn(nlohmann::json(101), 0, 100, "n"), std::invalid_argument);
  CHECK_THROWS_AS(IntegerIn(nlohmann::json(UINT64_MAX), 0, 100, "n"), std::invalid_argument);
  CHECK(IntegerIn(nlohmann::json::object(), "absent", 7, 0, 100) == 7);
}

TEST_CASE("json limits: dumping a string that is not UTF-8 replaces it instead of throwing") {
  const nlohmann::json json{{"message", std::string("unknown command 'ARM\xff'")}};
  std::string text;
  CHECK_NOTHROW(text = DumpJson(json));
  CHECK(IsValidUtf8(text));
  CHECK(text.find("ARM\xef\xbf\xbd") != std::string::npos);  // U+FFFD
}

}  // namespace
}  // namespace homesec
