// The input journal's vocabulary (docs/storage.md, "Input journal"): every input the core saw,
// with the Now it was given, serialised so that a replay through the pure core is exact, and the
// installation config it ran with. Also the reader of these rows: it is a parser of stored bytes,
// so it rejects anything malformed with a clear error and never throws.
//
// PINs are never written: a command's code is replaced by a token naming whose code it was (or
// "wrong"), and a replay puts a synthetic PIN of that user in its place (ForReplay).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/panel_config.hpp"
#include "rules/types.hpp"

namespace homesec {

enum class JournalKind {
  kInput,        // Panel::Handle(input, now)
  kStart,        // Panel::Start(now)
  kReconfigure,  // Panel::Reconfigure(config, now)
  kRestore,      // homesecd (re)started: Panel::Restore(config, snapshot, now) of this snapshot
  kCheckpoint,   // the panel's whole state (periodic): a replay may start here
};
std::string_view ToString(JournalKind kind);
std::optional<JournalKind> ParseJournalKind(std::string_view text);

// Whose code a command carried, decided from what the panel answered (the PIN itself is gone):
// the user the panel authenticated (for a duress code, the duress user, named by its silent
// event), "" for a wrong or unchecked code. Pure: reads the actions only.
std::string CodeOwner(const Command& command, const std::vector<Action>& actions);

// The input as a compact JSON object ({"t": "reading", ...}). A std::visit over Input: an Input
// type without a case does not compile. A Command's code is written as `code_owner`
// ({"code": {"user": name}} or {"code": {"wrong": true}}); a keyholder PIN in WATCH_START as
// the keyholder's name only.
nlohmann::json InputToJson(const Input& input, const std::string& code_owner = {});
// The input back, with synthetic PINs (SyntheticPin) for codes; nullopt and `error` (naming the
// field) for anything malformed.
std::optional<Input> InputFromJson(const nlohmann::json& json, std::string* error);

// The installation config as the core sees it (users with their PIN hashes included).
nlohmann::json PanelConfigToJson(const PanelConfig& config);
std::optional<PanelConfig> PanelConfigFromJson(const nlohmann::json& json, std::string* error);
// SHA-256 (hex) of the config's serialised form: each distinct config is stored once.
std::string ConfigHash(const std::string& serialised_config);

// The PIN a replay types for `user` (12 digits, the same for the same name), and the one it types
// for a wrong code (matches no user's SyntheticPin).
std::string SyntheticPin(const std::string& user);
std::string WrongPin();
// `config` with every user's PIN hash replaced by a (cheap) hash of SyntheticPin(name), so that
// replayed commands authenticate as they did.
PanelConfig ForReplay(PanelConfig config);

// One journal row as the store keeps it.
struct JournalRow {
  std::int64_t id = 0;  // assigned by the store
  JournalKind kind = JournalKind::kInput;
  Now now{};
  std::string config_hash;     // kStart, kReconfigure, kRestore, kCheckpoint
  std::uint64_t next_seq = 0;  // the panel's next seq before this entry
  std::string body;            // kInput: InputToJson; kRestore / kCheckpoint: the snapshot
};

// A row parsed: `input` for kInput, `snapshot` for kRestore / kCheckpoint.
struct JournalEntry {
  JournalRow row;
  std::optional<Input> input;
  nlohmann::json snapshot;
};
std::optional<JournalEntry> ParseJournalRow(const JournalRow& row, std::string* error);

}  // namespace homesec
