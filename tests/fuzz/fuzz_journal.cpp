// Fuzz target body: the input journal's rows as homesecctl explain / dry-run read them back from
// the store ("<kind>\n<body>"), which a crash, a full disk or a hand-edited database may have left
// in any shape. A row that parses goes on where a replay takes it: an input to the panel, a
// config into a panel of its own, a snapshot into Panel::Restore.
#include <string>

#include <nlohmann/json.hpp>

#include "rules/input_json.hpp"
#include "rules/journal_replay.hpp"
#include "rules/panel.hpp"
#include "tests/fuzz/fuzz_hub.hpp"
#include "tests/fuzz/fuzz_targets.hpp"

namespace homesec::fuzz {

void FuzzJournalRow(const std::uint8_t* data, std::size_t size) {
  const auto [kind_text, body] = SplitAtNewline(AsText(data, size));
  const std::optional<JournalKind> kind = ParseJournalKind(kind_text);
  if (kind_text == "config") {
    // A stored config (journal_config.config).
    const auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    std::string error;
    const std::optional<PanelConfig> config = PanelConfigFromJson(json, &error);
    Require(config.has_value() || !error.empty(), "a refused config says why");
    if (!config) return;
    const nlohmann::json again = PanelConfigToJson(*config);
    std::string again_error;
    const auto back = PanelConfigFromJson(again, &again_error);
    Require(back.has_value(), "a config's own serialisation reads back");
    Require(PanelConfigToJson(*back) == again, "the config round trip is stable");
    Consume(ConfigHash(again.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    if (!Validate(*config).empty()) return;  // the daemon never runs an invalid config
    Panel panel(ForReplay(*config));
    Consume(
        panel.Snapshot(FuzzNow()).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return;
  }
  JournalRow row;
  row.id = 1;
  row.kind = kind.value_or(JournalKind::kInput);
  row.now = FuzzNow();
  row.config_hash = "fuzz";
  row.body = std::string(body);
  std::string error;
  const std::optional<JournalEntry> entry = ParseJournalRow(row, &error);
  Require(entry.has_value() || !error.empty(), "a refused journal row says why");
  if (!entry) return;
  if (entry->input) {
    // The serialisation of what was read reads back as the same input.
    const nlohmann::json json = InputToJson(*entry->input, "anna");
    std::string again_error;
    const std::optional<Input> again = InputFromJson(json, &again_error);
    Require(again.has_value(), "an input's own serialisation reads back");
    Require(InputToJson(*again, "anna") == json, "the input round trip is stable");
    FuzzHub hub;
    hub.Handle(*entry->input);
    hub.Advance(Millis(60000));
    return;
  }
  if (row.kind == JournalKind::kRestore || row.kind == JournalKind::kCheckpoint) {
    // A replay starts here: Replay::Begin restores it under the recorded config.
    const ConfigLookup lookup = [](const std::string&, std::string*) {
      return std::optional<PanelConfig>(FuzzPanelConfig());
    };
    std::string begin_error;
    std::optional<Replay> replay = Replay::Begin(*entry, lookup, std::nullopt, false, &begin_error);
    Require(replay.has_value() || !begin_error.empty(), "a refused starting point says why");
    if (!replay) return;
    JournalRow start;
    start.id = 2;
    start.kind = JournalKind::kStart;
    start.now = FuzzNow() + Millis(1000);
    std::string parse_error;
    const auto start_entry = ParseJournalRow(start, &parse_error);
    Require(start_entry.has_value(), "a start row parses");
    std::vector<ReplayStep> steps;
    replay->Apply(*start_entry, &steps, &begin_error);
  }
}

}  // namespace homesec::fuzz
