// homesecctl explain / dry-run: the input journal read from the database directly (like
// ctl_store.cpp's events) and replayed through the pure core (rules/journal_replay.hpp), so both
// work while homesecd is stopped.
#include <iostream>
#include <map>

#include "rules/event_json.hpp"
#include "rules/journal_replay.hpp"
#include "store/store.hpp"
#include "tools/homesecctl/ctl.hpp"

namespace homesec::ctl {
namespace {

// Rows read per query, and the most one replay reads (a year of a busy house is far less).
constexpr std::size_t kRowsPerRead = 5000;
constexpr std::size_t kMaxReplayRows = 5'000'000;

int Failed(const std::string& what) {
  std::cerr << "homesecctl: " << what << "\n";
  return kExitUsage;
}

std::unique_ptr<Store> OpenStore(const AppConfig& config, std::string* error) {
  std::unique_ptr<Store> store = Store::Open(config.storage.path, error);
  if (!store) *error = "cannot open the database " + config.storage.path + ": " + *error;
  return store;
}

// The stored configs, each parsed once.
ConfigLookup Lookup(Store& store) {
  auto cache = std::make_shared<std::map<std::string, PanelConfig>>();
  return
      [&store, cache](const std::string& hash, std::string* error) -> std::optional<PanelConfig> {
        if (const auto it = cache->find(hash); it != cache->end()) return it->second;
        const std::optional<std::string> text = store.JournalConfig(hash, error);
        if (!text) return std::nullopt;
        const auto json = nlohmann::json::parse(*text, nullptr, false);
        if (json.is_discarded()) {
          if (error != nullptr) *error = "journal config " + hash + ": not JSON";
          return std::nullopt;
        }
        std::string why;
        std::optional<PanelConfig> config = PanelConfigFromJson(json, &why);
        if (!config) {
          if (error != nullptr) *error = "journal config " + hash + ": " + why;
          return std::nullopt;
        }
        cache->emplace(hash, *config);
        return config;
      };
}

// The rows from `start` on, parsed, while `keep(row)` holds. False and `error` for a damaged row.
bool ReadEntries(Store& store, const JournalRow& start,
                 const std::function<bool(const JournalRow&)>& keep,
                 std::vector<JournalEntry>* entries, std::string* error) {
  std::int64_t next = start.id;
  while (entries->size() < kMaxReplayRows) {
    std::string read_error;
    const std::vector<JournalRow> rows = store.JournalRows(next, kRowsPerRead, &read_error);
    if (!read_error.empty()) {
      *error = "the journal is damaged: " + read_error;
      return false;
    }
    for (const JournalRow& row : rows) {
      if (!entries->empty() && !keep(row)) return true;
      std::string why;
      std::optional<JournalEntry> entry = ParseJournalRow(row, &why);
      if (!entry) {
        *error = "the journal is damaged: " + why;
        return false;
      }
      entries->push_back(std::move(*entry));
    }
    if (rows.size() < kRowsPerRead) return true;
    next = rows.back().id + 1;
  }
  return true;
}

// The event shown as `ref` (a SEQ as `homesecctl events` shows it, or an id "<hub>:<seq>"),
// with its seq in the store; silent events are never found (nothing locally reveals them).
std::optional<std::pair<Event, std::uint64_t>> FindEvent(Store& store, const AppConfig& config,
                                                         const std::string& ref,
                                                         std::string* error) {
  std::string number = ref;
  const std::string prefix = config.hub.id + ":";
  if (number.starts_with(prefix)) number = number.substr(prefix.size());
  std::uint64_t shown = 0;
  for (const char c : number) {
    if (c < '0' || c > '9' || shown > 1'000'000'000'000ULL) {
      *error = "explain: expected an event's SEQ (as homesecctl events shows it) or its id " +
               prefix + "SEQ, got '" + ref + "'";
      return std::nullopt;
    }
    shown = shown * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (number.empty() || shown == 0) {
    *error = "explain: expected an event's SEQ, got '" + ref + "'";
    return std::nullopt;
  }
  SilentHistory silent;
  std::string ignored;
  if (const auto snapshot = store.LoadSnapshot(&ignored);
      snapshot && snapshot->is_object() && snapshot->contains("silent")) {
    silent = SilentHistoryFromJson(snapshot->at("silent")).value_or(SilentHistory{});
  }
  std::string read_error;
  const std::vector<Event> events = store.RecentEvents(4 * Store::kMinLogEvents, &read_error);
  for (const Event& event : events) {
    if (const std::optional<Event> local = LocalEvent(event, silent);
        local && local->seq == shown) {
      return std::make_pair(event, shown);
    }
  }
  *error = "explain: no event " + ref + " in the event log" +
           (read_error.empty() ? std::string() : " (" + read_error + ")");
  return std::nullopt;
}

}  // namespace

int RunExplain(const CtlArgs& args, const AppConfig& config) {
  std::string error;
  const std::unique_ptr<Store> store = OpenStore(config, &error);
  if (!store) return Failed(error);
  const auto found = FindEvent(*store, config, args.event_ref, &error);
  if (!found) return Failed(error);
  const Event& event = found->first;
  const std::uint64_t shown = found->second;
  const std::optional<JournalRow> start = store->JournalStartFor(event.seq, &error);
  if (!start) {
    return Failed(error.empty() ? "explain: the input journal does not reach back to event " +
                                      args.event_ref +
                                      " (older than storage.journal_days, or recorded before "
                                      "the journal existed)"
                                : error);
  }
  std::vector<JournalEntry> entries;
  if (!ReadEntries(
          *store, *start, [seq = event.seq](const JournalRow& row) { return row.next_seq <= seq; },
          &entries, &error)) {
    return Failed(error);
  }
  std::optional<Explanation> explanation = Explain(entries, event, Lookup(*store), &error);
  if (!explanation) return Failed("explain: " + error);
  explanation->shown_seq = shown;
  if (args.json) {
    std::cout << ExplanationToJson(*explanation).dump(2) << "\n";
  } else {
    std::cout << FormatExplanation(*explanation);
  }
  return explanation->reproduced ? kExitOk : kExitRefused;
}

int RunDryRun(const CtlArgs& args, const AppConfig& config) {
  std::string error;
  const std::unique_ptr<Store> store = OpenStore(config, &error);
  if (!store) return Failed(error);
  const std::optional<JournalRow> start = store->JournalStartAt(args.since, &error);
  if (!start) {
    return Failed(error.empty() ? std::string("dry-run: the input journal has no checkpoint") +
                                      (args.since ? " at or after " + FormatRfc3339(*args.since)
                                                  : std::string()) +
                                      " (homesecd writes one at every start and daily)"
                                : error);
  }
  std::vector<JournalEntry> entries;
  if (!ReadEntries(
          *store, *start, [](const JournalRow&) { return true; }, &entries, &error)) {
    return Failed(error);
  }
  PanelConfig candidate = config.panel;
  candidate.hub_id = config.hub.id;
  std::optional<DryRunResult> result = DryRun(entries, candidate, Lookup(*store), &error);
  if (!result) return Failed("dry-run: " + error);
  if (args.json) {
    std::cout << DryRunToJson(*result).dump(2) << "\n";
  } else {
    std::cout << "config " << args.config_path << " against the recorded inputs:\n"
              << FormatDryRun(*result);
  }
  return kExitOk;
}

}  // namespace homesec::ctl
