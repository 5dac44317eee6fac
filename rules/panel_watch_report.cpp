// The vacant-house watch's messages to and from the platform that need the panel's knowledge:
// the daily status report (zones closed and open, troubles, low batteries, uplink health) and the
// platform's acknowledgement of the registration.
#include <string>

#include "rules/json_limits.hpp"
#include "rules/panel_engine.hpp"

namespace homesec {

void PanelEngine::EmitDailyReport(const ReportRequest& request) {
  nlohmann::json zones_open = nlohmann::json::array();
  nlohmann::json zones_unknown = nlohmann::json::array();
  nlohmann::json troubles = nlohmann::json::array();
  nlohmann::json low_batteries = nlohmann::json::array();
  int zones_closed = 0;
  for (const ZoneConfig& zone : config_.zones) {
    const ZoneRuntime& rt = state_.zones[zone.id];
    if (zone.type == ZoneType::kLock) {
      if (rt.lock_jammed) troubles.push_back(zone.id + ": lock jammed");
      continue;
    }
    if (!rt.active) {
      zones_unknown.push_back(zone.id);
    } else if (*rt.active) {
      zones_open.push_back(zone.id);
    } else {
      ++zones_closed;
    }
  }
  for (const auto& [device, rt] : state_.devices) {
    if (rt.unavailable_trouble) troubles.push_back(device + ": unavailable");
    if (rt.silent_trouble) troubles.push_back(device + ": silent past its check-in window");
    if (rt.battery_low) low_batteries.push_back(device);
  }
  if (state_.uplink_trouble) troubles.push_back("uplink: lost");

  const nlohmann::json details{
      {"local_time", request.local_time},
      {"due", FormatRfc3339(request.due)},
      {"state", std::string(ToString(request.state))},
      {"mode", std::string(ToString(state_.mode))},
      {"zones_closed", zones_closed},
      {"zones_open", zones_open},
      {"zones_unknown", zones_unknown},
      {"troubles", troubles},
      {"low_batteries", low_batteries},
      {"uplink", {{"connected", !state_.uplink_trouble}}},
  };
  std::string text = "daily report " + request.local_time + ": " + std::to_string(zones_closed) +
                     " zones closed, " + std::to_string(zones_open.size()) + " open, " +
                     std::to_string(troubles.size()) + " troubles, " +
                     std::to_string(low_batteries.size()) + " low batteries";
  Event event =
      MakeEvent(EventCategory::kWatch, Priority::kLow, "watch_daily_report", 1, 0, std::move(text));
  event.vacant_watch = true;
  event.watch_id = request.watch_id;
  event.details = DumpJson(details);
  Emit(std::move(event));
}

void PanelEngine::HandleWatchAck(const WatchAck& ack) {
  if (!state_.watch || ack.watch_id != state_.watch->id()) return;
  // The platform may acknowledge every publication of the registration; only a new status is
  // recorded (and republished), or the two would echo each other forever.
  const nlohmann::json registration = state_.watch->Registration();
  if (registration.contains("platform_ack") &&
      registration["platform_ack"].value("status", "") == ack.status) {
    return;
  }
  state_.watch->RecordPlatformAck(ack.status, now_.wall);
  Event event =
      MakeEvent(EventCategory::kWatch, Priority::kLow, "watch_acknowledged", 1, 0,
                "the platform acknowledged vacant-house watch " + ack.watch_id + ": " + ack.status);
  event.vacant_watch = true;
  event.watch_id = ack.watch_id;
  event.report = false;  // it came from the platform
  Emit(std::move(event));
  watch_changed_ = true;
}

}  // namespace homesec
