// Fuzz target bodies: state the daemon reads back from its own store, which a crash, a full disk
// or an older version may have left in any shape. The panel snapshot (Panel::Restore), the
// vacant-house watch inside it (VacantWatch::Restore) and the event log (EventFromJson).
#include <string>

#include <nlohmann/json.hpp>

#include "rules/event_json.hpp"
#include "rules/json_limits.hpp"
#include "rules/panel.hpp"
#include "rules/vacant_watch.hpp"
#include "tests/fuzz/fuzz_hub.hpp"
#include "tests/fuzz/fuzz_targets.hpp"
#include "tools/homesecctl/format.hpp"

namespace homesec::fuzz {
namespace {

// Store::LoadSnapshot and the event log parse without exceptions; anything else is refused.
nlohmann::json ParseStored(const std::uint8_t* data, std::size_t size) {
  return nlohmann::json::parse(AsText(data, size), nullptr, /*allow_exceptions=*/false);
}

}  // namespace

void FuzzPanelRestore(const std::uint8_t* data, std::size_t size) {
  const nlohmann::json snapshot = ParseStored(data, size);
  if (snapshot.is_discarded()) return;
  std::string error;
  Panel restored = Panel::Restore(FuzzPanelConfig(), snapshot, FuzzNow(), &error);
  Consume(error);                    // logged
  FuzzHub hub(std::move(restored));  // App::Init starts the panel it restored
  hub.Advance(Millis(1000));
  Reading opened;
  opened.device = "front_door";
  opened.property = "contact";
  opened.value = std::string("open");
  hub.Handle(opened);
  Command disarm;
  disarm.action = CommandAction::kDisarm;
  disarm.code = "1234";
  disarm.source = "mqtt";
  disarm.request_id = "r1";
  hub.Handle(disarm);
  hub.Advance(Millis(200000));
  // Whatever was restored, the next restart must be able to read what this one stores.
  const nlohmann::json again = hub.panel().Snapshot(FuzzNow());
  std::string again_error;
  Panel::Restore(FuzzPanelConfig(), again, FuzzNow(), &again_error);
  Require(again_error.empty(), "a panel's own snapshot restores without error");
}

void FuzzWatchRestore(const std::uint8_t* data, std::size_t size) {
  const nlohmann::json snapshot = ParseStored(data, size);
  if (snapshot.is_discarded()) return;
  std::string error;
  std::optional<VacantWatch> watch =
      VacantWatch::Restore(snapshot, FuzzPanelConfig().watch, &error);
  if (!watch) {
    Require(!error.empty(), "a refused watch snapshot says why");
    return;
  }
  const Now now = FuzzNow();
  Consume(DumpJson(watch->Registration()));  // retained on .../watch
  Consume(watch->Snapshot().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (const auto deadline = watch->NextWallDeadline()) Consume(FormatRfc3339(*deadline));
  const WatchOutput tick = watch->OnTick(now.wall);
  for (const Event& event : tick.events) Consume(EventPayload(event, std::string(kHubId)));
  Consume(watch->IsKeyholderCodeValid(now.wall) ? "valid" : "invalid");
  Consume(FormatWatch(watch->Registration()));  // homesecctl watch
  std::string again_error;
  Require(
      VacantWatch::Restore(watch->Snapshot(), FuzzPanelConfig().watch, &again_error).has_value(),
      "a watch's own snapshot restores");
}

void FuzzEventJson(const std::uint8_t* data, std::size_t size) {
  const nlohmann::json stored = ParseStored(data, size);
  if (stored.is_discarded()) return;
  std::string error;
  const std::optional<Event> event = EventFromJson(stored, &error);
  if (!event) {
    Require(!error.empty(), "a refused event says why");
    return;
  }
  const std::string hub_id(kHubId);
  Consume(EventPayload(*event, hub_id));         // resent from the outbox
  Consume(EventToJson(*event, hub_id).dump(2));  // homesecctl events --json
  Consume(FormatEvents({*event}));               // homesecctl events
  std::string again_error;
  Require(EventFromJson(EventToJson(*event, hub_id), &again_error).has_value(),
          "an event's own JSON reads back");
}

}  // namespace homesec::fuzz
