// The fuzz installation and the hub that serialises the panel's actions as the shell does.
#include "tests/fuzz/fuzz_hub.hpp"

#include <cstdio>
#include <cstdlib>
#include <variant>

#include <nlohmann/json.hpp>

#include "daemon/local_command.hpp"
#include "rules/codes.hpp"
#include "rules/event_json.hpp"
#include "rules/json_limits.hpp"
#include "rules/text.hpp"
#include "sensors/zigbee2mqtt_commands.hpp"
#include "tests/unit/rules/panel_test_support.hpp"
#include "tools/homesecctl/format.hpp"

namespace homesec::fuzz {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

// The rules tests' builders; PINs hashed with 2 iterations, so that a fuzz input costs nothing.
constexpr int kFewIterations = 2;
using test::MakeZone;

User MakeUser(int number, std::string name, Role role, std::string_view pin) {
  return test::MakeUser(number, std::move(name), role, pin, kFewIterations);
}

PanelConfig MakePanelConfig() {
  PanelConfig config;
  config.hub_id = std::string(kHubId);
  config.timing[Mode::kArmedAway] = ModeTiming{seconds(30), seconds(30), seconds(180)};
  config.timing[Mode::kArmedHome] = ModeTiming{seconds(10), seconds(20), seconds(120)};
  config.zones = {
      MakeZone("front_door", 1, ZoneType::kEntryExit, "front_door", "contact"),
      MakeZone("hall_motion", 2, ZoneType::kEntryFollower, "hall_pir", "occupancy"),
      MakeZone("kitchen_window", 3, ZoneType::kPerimeter, "kitchen_window", "latch"),
      MakeZone("living_motion", 4, ZoneType::kInterior, "living_pir", "occupancy"),
      MakeZone("smoke", 5, ZoneType::kFire24h, "smoke_detector", "smoke"),
      MakeZone("leak", 6, ZoneType::kWater24h, "leak_sensor", "water_leak"),
      MakeZone("gas", 7, ZoneType::kGas24h, "gas_sensor", "gas"),
      MakeZone("co", 8, ZoneType::kGas24h, "co_sensor", "co"),
      MakeZone("door_tamper", 9, ZoneType::kTamper24h, "front_door", "tamper"),
      MakeZone("panic_button", 10, ZoneType::kPanic24h, "panic_button", "contact"),
      MakeZone("silent_panic", 11, ZoneType::kPanic24h, "bedside_button", "contact"),
      MakeZone("front_lock", 12, ZoneType::kLock, "front_lock", "lock_state"),
      MakeZone("back_lock", 13, ZoneType::kLock, "back_lock", "lock_state"),
      MakeZone("unit_door", 14, ZoneType::kDoorHeld, "unit_door", "contact"),
      MakeZone("terrace_glass", 15, ZoneType::kPerimeter, "vibration", "vibration"),
      MakeZone("office_window", 16, ZoneType::kPerimeter, "office_window", "latch"),
  };
  config.zones[0].chime = true;
  config.zones[2].allow_open_at_arming = true;
  config.zones[3].bypass_in = {Mode::kArmedHome, Mode::kArmedNight};
  config.zones[10].silent = true;
  config.zones[13].door_held_limit = seconds(120);
  config.zones[14].cross_zone_group = "terrace";
  config.zones[15].cross_zone_group = "terrace";
  config.zones[14].swinger_limit = 1;
  config.devices = {DeviceSupervision{"front_door", seconds(3600), seconds(60)},
                    DeviceSupervision{"smoke_detector", seconds(7200), seconds(120)}};
  User keyholder = MakeUser(4, "keyholder", Role::kKeyholder, "5555");
  keyholder.valid_from = FuzzNow().wall - hours(24);
  keyholder.valid_until = FuzzNow().wall + hours(24 * 14);
  config.users = {MakeUser(1, "anna", Role::kMaster, "1234"),
                  MakeUser(2, "ben", Role::kUser, "2345"),
                  MakeUser(3, "cleaner", Role::kArmOnly, "3456"), keyholder,
                  MakeUser(9, "anna-duress", Role::kDuress, "9999")};
  config.uplink_zone_number = 99;
  config.watch.time_zone.std_name = "CET";
  config.watch.time_zone.std_offset_s = 3600;
  return config;
}

}  // namespace

Now FuzzNow() {
  // 2026-11-28T12:00:00Z on the wall clock; the monotonic clock five hours after boot.
  return Now{MonoTime{} + hours(5), WallTime{} + seconds(1795867200)};
}

const PanelConfig& FuzzPanelConfig() {
  static const PanelConfig config = MakePanelConfig();
  return config;
}

const std::vector<std::pair<std::string, std::string>>& ZigbeeDevices() {
  // Friendly names as in tests/data/zigbee2mqtt.jsonl.
  static const std::vector<std::pair<std::string, std::string>> devices = {
      {"front_door", "Sonoff W1"},
      {"hall_pir", "KeukenMotionSensorMS4"},
      {"kitchen_window", "kitchen_window"},
      {"living_pir", "hallway_motion"},
      {"smoke_detector", "kitchen_smoke"},
      {"leak_sensor", "bathroom_leak"},
      {"gas_sensor", "0x000d6f001539fdba"},
      {"co_sensor", "garage_co_sensor"},
      {"panic_button", "alarm_keypad"},
      {"bedside_button", "Bathroom vibration sensor"},
      {"front_lock", "front_door_lock"},
      {"back_lock", "Driveway Door Lock"},
      {"unit_door", "h6/T1"},
      {"vibration", "VibrationSensor"},
      {"office_window", "office_window"},
      {"keypad", "front_door_keypad"},
      {"hall_keypad", "hallway_keypad"},
      {"siren", "0x0015bc00410siren"},
  };
  return devices;
}

std::string FriendlyName(const std::string& device_id) {
  for (const auto& [id, name] : ZigbeeDevices()) {
    if (id == device_id) return name;
  }
  return device_id;
}

std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return size == 0 ? std::string_view()
                   : std::string_view(reinterpret_cast<const char*>(data), size);
}

std::pair<std::string_view, std::string_view> SplitAtNewline(std::string_view text) {
  const std::size_t newline = text.find('\n');
  if (newline == std::string_view::npos) return {text, std::string_view()};
  return {text.substr(0, newline), text.substr(newline + 1)};
}

void Consume(std::string_view text) {
  static volatile std::size_t total = 0;
  total = total + text.size();
}

void Require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "fuzz invariant violated: %s\n", what);
  std::abort();
}

FuzzHub::FuzzHub() : FuzzHub(Panel(FuzzPanelConfig())) {}

FuzzHub::FuzzHub(Panel panel) : panel_(std::move(panel)), now_(FuzzNow()) {
  Publish(panel_.Start(now_));
}

void FuzzHub::Handle(const Input& input) {
  const Command* command = std::get_if<Command>(&input);
  if (command != nullptr && command->action == CommandAction::kWatchStart && command->watch &&
      command->watch->keyholder) {
    // The daemon salts the keyholder's PIN from the kernel's random source (App::Dispatch).
    Command salted = *command;
    salted.watch->salt.assign(16, 0x5a);
    Publish(panel_.Handle(salted, now_));
  } else {
    Publish(panel_.Handle(input, now_));
  }
  now_ = now_ + Millis(1000);
}

void FuzzHub::Reconfigure(PanelConfig config) {
  Publish(panel_.Reconfigure(std::move(config), now_));
}

void FuzzHub::Advance(Millis step) {
  now_ = now_ + step;
  Publish(panel_.Handle(Tick{}, now_));
  if (const auto deadline = panel_.NextDeadline(now_); deadline && *deadline > now_.mono) {
    Consume(std::to_string((*deadline - now_.mono).count()));
  }
}

void FuzzHub::Publish(const std::vector<Action>& actions) {
  const std::string hub_id(kHubId);
  const std::string base(kZigbeeBase);
  for (const Action& action : actions) {
    if (const auto* result = std::get_if<CommandResult>(&action)) {
      // A reply never echoes a stranger's bytes raw (docs/security.md): checked before DumpJson,
      // which would only hide them behind U+FFFD.
      Require(IsValidUtf8(result->message) && IsValidUtf8(result->request_id) &&
                  IsValidUtf8(result->user) && IsValidUtf8(result->watch_id) &&
                  IsValidUtf8(result->source),
              "a command result is valid UTF-8");
      for (const std::string& zone : result->open_zones) {
        Require(IsValidUtf8(zone), "a command result's open zones are valid UTF-8");
      }
      if (result->source.rfind("keypad:", 0) == 0) {
        const auto accepted = AcceptedNotification(result->action);
        const ArmNotification notification = result->accepted
                                                 ? accepted.value_or(ArmNotification::kDisarm)
                                                 : ArmNotification::kInvalidCode;
        Consume(KeypadArmModeReply(base, FriendlyName(result->source.substr(7)), 42, notification)
                    .payload);
      } else {
        Consume(DumpJson(CommandResultToJson(*result)));  // <prefix>/command/result
        Consume(FormatCommandResult(*result));            // what homesecctl prints of it
      }
    } else if (const auto* record = std::get_if<RecordEvent>(&action)) {
      // The outbox, the uplink and the local event topic all carry EventPayload.
      Consume(EventPayload(record->event, hub_id));
    } else if (const auto* zone = std::get_if<ZoneChanged>(&action)) {
      const nlohmann::json payload{{"status", std::string(ToString(zone->status))},
                                   {"open", zone->open}};
      Consume(DumpJson(payload));
    } else if (const auto* state = std::get_if<StateChanged>(&action)) {
      for (const char* keypad : {"keypad", "hall_keypad"}) {
        Consume(
            KeypadSetMode(base, FriendlyName(keypad), state->mode, state->delay_remaining).payload);
      }
    } else if (const auto* watch = std::get_if<WatchChanged>(&action)) {
      Consume(watch->registration);  // retained on .../watch, locally and on the uplink
      // homesecctl watch show [--json] reads it back.
      const auto registration =
          nlohmann::json::parse(watch->registration, nullptr, /*allow_exceptions=*/false);
      if (registration.is_object()) {
        Consume(FormatWatch(registration));
        Consume(registration.dump(2));
      }
    } else if (const auto* output = std::get_if<SetOutput>(&action)) {
      Consume(ToString(output->pattern));
    }
  }
  // The store's commit: the panel document and the rows of the zones that changed, written as
  // Store::Commit writes them.
  const PanelSnapshot snapshot = panel_.SnapshotForStore(now_);
  Consume(snapshot.panel.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  for (const auto& [zone, row] : snapshot.zones) Consume(row);
  panel_.Stored(snapshot);
}

}  // namespace homesec::fuzz
