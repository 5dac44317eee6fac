// homesecctl's tables and JSON; see format.hpp.
#include "tools/homesecctl/format.hpp"

#include "rules/text.hpp"
#include "tools/homesecctl/event_feed.hpp"

#include <cstdio>

#include <algorithm>

namespace homesec {
namespace {

std::string TimeOrDash(const std::optional<WallTime>& time) {
  return time ? FormatRfc3339(*time) : "-";
}

}  // namespace

std::string OrDash(const std::string& text) {
  return text.empty() ? "-" : text;
}

std::string MessageText(const nlohmann::json& message, const char* key, std::size_t max) {
  return PrintableText(StringField(message, key), max);
}

std::string ShortTime(WallTime time) {
  std::string text = FormatRfc3339(time);
  if (text.size() >= 19) text = text.substr(0, 10) + " " + text.substr(11, 8) + "Z";
  return text;
}

std::string FormatTable(const std::vector<std::string>& headers,
                        const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> widths(headers.size());
  for (std::size_t c = 0; c < headers.size(); ++c) widths[c] = headers[c].size();
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c) {
      widths[c] = std::max(widths[c], row[c].size());
    }
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t c = 0; c < widths.size(); ++c) {
      const std::string cell = c < cells.size() ? cells[c] : "";
      out += cell;
      if (c + 1 < widths.size()) out += std::string(widths[c] - cell.size() + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(headers);
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string FormatUsers(const std::vector<User>& users) {
  if (users.empty()) return "no users (add one with: homesecctl user add NAME --role master)\n";
  std::vector<std::vector<std::string>> rows;
  for (const User& user : users) {
    rows.push_back({std::to_string(user.number), user.name, std::string(ToString(user.role)),
                    TimeOrDash(user.valid_from), TimeOrDash(user.valid_until)});
  }
  return FormatTable({"NUMBER", "NAME", "ROLE", "VALID FROM", "VALID UNTIL"}, rows);
}

nlohmann::json UsersToJson(const std::vector<User>& users) {
  nlohmann::json out = nlohmann::json::array();
  for (const User& user : users) {
    nlohmann::json entry{
        {"name", user.name}, {"number", user.number}, {"role", std::string(ToString(user.role))}};
    if (user.valid_from) entry["valid_from"] = FormatRfc3339(*user.valid_from);
    if (user.valid_until) entry["valid_until"] = FormatRfc3339(*user.valid_until);
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<Event> LocalEvents(const std::vector<Event>& events, const SilentHistory& silent,
                               std::size_t last) {
  std::vector<Event> out;
  for (const Event& event : events) {
    // An event flagged silent, or one the history knows as silent (a log written by an older
    // homesecd that did not flag it is still checked by seq).
    if (silent.Contains(event.seq)) continue;
    if (std::optional<Event> local = LocalEvent(event, silent)) out.push_back(std::move(*local));
  }
  if (out.size() > last) out.erase(out.begin(), out.end() - static_cast<std::ptrdiff_t>(last));
  return out;
}

std::string FormatEvents(const std::vector<Event>& events) {
  std::vector<ShownEvent> shown;
  for (const Event& event : events) shown.push_back({event, {}});
  return FormatShownEvents(shown);
}

std::string ZoneStateWords(const ZoneView& zone) {
  if (!zone.known) return "unknown";
  if (zone.property == "lock_state") return zone.lock_state.empty() ? "unknown" : zone.lock_state;
  struct Words {
    const char* property;
    const char* active;
    const char* quiet;
  };
  static constexpr Words kWords[] = {
      {"water_leak", "wet", "dry"},     {"smoke", "smoke", "clear"},
      {"gas", "gas", "clear"},          {"co", "CO", "clear"},
      {"occupancy", "motion", "clear"}, {"vibration", "vibration", "still"},
      {"tamper", "tampered", "intact"}, {"panic", "pressed", "released"},
  };
  const bool active = zone.open.value_or(false);
  for (const Words& words : kWords) {
    if (zone.property == words.property) return active ? words.active : words.quiet;
  }
  return active ? "open" : "closed";  // contact, latch, door
}

std::string ZoneFlags(const ZoneView& zone) {
  std::vector<std::string> flags;
  if (zone.alarm) flags.push_back("ALARM");
  if (zone.bypassed) flags.push_back("bypassed");
  if (zone.trouble) flags.push_back("trouble");
  if (!zone.available) flags.push_back("offline");
  if (zone.battery_low) flags.push_back("battery low");
  std::string out;
  for (const std::string& flag : flags) out += (out.empty() ? "" : ", ") + flag;
  return OrDash(out);
}

namespace {

std::string OnlineWord(const std::optional<bool>& online) {
  return online ? (*online ? "online" : "OFFLINE") : "unknown";
}

std::string TroubleLine(const ActiveTrouble& trouble) {
  std::string where = trouble.zone.empty() ? trouble.device : "zone " + trouble.zone;
  return trouble.type + (where.empty() ? "" : " (" + where + ")");
}

}  // namespace

std::string FormatStatus(const PanelStatus& status) {
  std::string out = "state:     " + status.state.value_or("unknown (never published)") + "\n";
  out += "homesecd:  " +
         std::string(status.availability == "online"    ? "online"
                     : status.availability == "offline" ? "OFFLINE"
                                                        : "unknown") +
         "\n";
  if (status.hub.published) {
    out += "troubles:  " + (status.hub.troubles.empty()
                                ? std::string("none")
                                : std::to_string(status.hub.troubles.size()) + ": ");
    for (std::size_t i = 0; i < status.hub.troubles.size(); ++i) {
      out += (i == 0 ? "" : ", ") + TroubleLine(status.hub.troubles[i]);
    }
    out += "\n";
  }
  if (!status.alarm_memory.empty()) {
    out += "alarm memory: " + std::to_string(status.alarm_memory.size()) +
           (status.alarm_memory.size() == 1 ? " zone alarmed" : " zones alarmed") +
           " (clear it with: homesecctl memory --clear)\n" + FormatAlarmMemory(status.alarm_memory);
  }
  if (status.zones.empty()) return out;
  std::vector<std::vector<std::string>> rows;
  for (const ZoneView& zone : status.zones) {
    rows.push_back({zone.id, OrDash(zone.name), ZoneStateWords(zone), ZoneFlags(zone)});
  }
  return out + "\n" + FormatTable({"ZONE", "NAME", "STATE", "FLAGS"}, rows);
}

std::string FormatZones(const PanelStatus& status) {
  if (status.zones.empty()) return "no zones\n";
  std::vector<std::vector<std::string>> rows;
  for (const ZoneView& zone : status.zones) {
    rows.push_back({zone.id, OrDash(zone.name), OrDash(zone.type), OrDash(zone.device),
                    ZoneStateWords(zone), zone.status, ZoneFlags(zone)});
  }
  return FormatTable({"ZONE", "NAME", "TYPE", "DEVICE", "STATE", "STATUS", "FLAGS"}, rows);
}

std::string FormatAge(WallTime since, WallTime now) {
  const long long s = std::max<long long>(0, std::chrono::floor<Seconds>(now - since).count());
  char text[32];
  if (s < 60) {
    std::snprintf(text, sizeof text, "%llds", s);
  } else if (s < 3600) {
    std::snprintf(text, sizeof text, "%lldm", s / 60);
  } else if (s < 86400) {
    std::snprintf(text, sizeof text, "%lldh %02lldm", s / 3600, s / 60 % 60);
  } else {
    std::snprintf(text, sizeof text, "%lldd %02lldh", s / 86400, s / 3600 % 24);
  }
  return text;
}

std::string FormatTroubles(const PanelStatus& status, WallTime now, const TimeZoneRule& time_zone) {
  std::string out = "zigbee bridge:      " + OnlineWord(status.hub.bridge_online) + "\n" +
                    "district platform:  " + OnlineWord(status.hub.uplink_online) + "\n\n";
  if (!status.hub.published) return out + "troubles unknown: homesecd has not published them\n";
  if (status.hub.troubles.empty()) return out + "no active troubles\n";
  std::vector<std::vector<std::string>> rows;
  bool unacknowledged = false;
  for (const ActiveTrouble& trouble : status.hub.troubles) {
    // The epoch: a homesecd that does not say since when.
    const bool known = trouble.since != WallTime{};
    std::string since = "-";
    if (known) {
      since = FormatLocal(ToLocal(trouble.since, time_zone));
      since = since.substr(0, 10) + " " + since.substr(11, 8) + " (" +
              FormatAge(trouble.since, now) + " ago)";
    }
    unacknowledged = unacknowledged || !trouble.acknowledged;
    rows.push_back({TroubleId(trouble), trouble.type, OrDash(trouble.zone), OrDash(trouble.device),
                    since, trouble.acknowledged ? "yes" : "NO"});
  }
  out += FormatTable({"ID", "TROUBLE", "ZONE", "DEVICE", "SINCE", "ACKNOWLEDGED"}, rows);
  if (unacknowledged) out += "\n(acknowledge them with: homesecctl troubles --ack)\n";
  return out;
}

std::string DeviceModel(const DeviceView& device) {
  std::string out = device.vendor;
  if (!device.model.empty()) out += (out.empty() ? "" : " ") + device.model;
  if (!device.description.empty()) {
    out += out.empty() ? device.description : " (" + device.description + ")";
  }
  return OrDash(out);
}

std::string FormatDevices(const PanelStatus& status) {
  if (status.devices.empty()) return "no devices\n";
  const auto number = [](const std::optional<double>& value, const char* unit) {
    if (!value) return std::string("-");
    char text[32];
    std::snprintf(text, sizeof text, "%.0f%s", *value, unit);
    return std::string(text);
  };
  std::vector<std::vector<std::string>> rows;
  for (const DeviceView& device : status.devices) {
    std::string zones;
    for (const std::string& zone : device.zones) zones += (zones.empty() ? "" : ", ") + zone;
    std::string online = "-";
    if (device.published) online = device.available ? (*device.available ? "yes" : "NO") : "?";
    std::string battery = number(device.battery, "%");
    if (device.battery_low == true) battery += " LOW";
    rows.push_back({device.id, OrDash(device.source), DeviceModel(device), online, battery,
                    number(device.linkquality, ""), OrDash(device.last_seen),
                    zones.empty() ? "NONE (bound to no zone)" : zones});
  }
  return FormatTable(
      {"DEVICE", "SOURCE", "MODEL", "ONLINE", "BATTERY", "LQI", "LAST SEEN", "ZONES"}, rows);
}

nlohmann::json StatusToJson(const PanelStatus& status) {
  const auto optional = [](const auto& value) {
    return value ? nlohmann::json(*value) : nlohmann::json();
  };
  nlohmann::json zones = nlohmann::json::array();
  for (const ZoneView& zone : status.zones) {
    zones.push_back({{"id", zone.id},
                     {"name", zone.name},
                     {"type", zone.type},
                     {"device", zone.device},
                     {"status", zone.status},
                     {"state", ZoneStateWords(zone)},
                     {"open", optional(zone.open)},
                     {"known", zone.known},
                     {"available", zone.available},
                     {"bypassed", zone.bypassed},
                     {"alarm", zone.alarm},
                     {"trouble", zone.trouble},
                     {"battery_low", zone.battery_low}});
  }
  nlohmann::json devices = nlohmann::json::array();
  for (const DeviceView& device : status.devices) {
    devices.push_back({{"id", device.id},
                       {"source", device.source},
                       {"vendor", device.vendor},
                       {"model", device.model},
                       {"description", device.description},
                       {"zones", device.zones},
                       {"available", optional(device.available)},
                       {"battery", optional(device.battery)},
                       {"battery_low", optional(device.battery_low)},
                       {"linkquality", optional(device.linkquality)},
                       {"last_seen", device.last_seen.empty() ? nlohmann::json()
                                                              : nlohmann::json(device.last_seen)}});
  }
  nlohmann::json troubles = nlohmann::json::array();
  for (const ActiveTrouble& trouble : status.hub.troubles) {
    troubles.push_back(
        {{"id", TroubleId(trouble)},
         {"type", trouble.type},
         {"zone", trouble.zone},
         {"device", trouble.device},
         {"since", trouble.since == WallTime{} ? nlohmann::json()
                                               : nlohmann::json(FormatRfc3339(trouble.since))},
         {"acknowledged", trouble.acknowledged}});
  }
  return nlohmann::json{
      {"state", optional(status.state)},
      {"available", status.availability == "online"},
      {"zones", zones},
      {"devices", devices},
      {"bridge_online", optional(status.hub.bridge_online)},
      {"uplink_online", optional(status.hub.uplink_online)},
      {"troubles", status.hub.published ? troubles : nlohmann::json()},
      {"alarm_memory",
       status.panel_published ? AlarmMemoryJson(status.alarm_memory) : nlohmann::json()}};
}

std::string FormatWatch(const nlohmann::json& registration) {
  if (!registration.is_object() || !registration.contains("watch_id")) {
    return "no vacant-house watch\n";
  }
  const auto text = [&](const nlohmann::json& object, const char* key) -> std::string {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return "-";
    if (it->is_string()) return it->get<std::string>().empty() ? "-" : it->get<std::string>();
    return it->dump();
  };
  std::vector<std::vector<std::string>> rows{
      {"watch", text(registration, "watch_id")},
      {"state", text(registration, "state")},
      {"departure", text(registration, "departure")},
      {"expected return", text(registration, "expected_return")},
      {"overdue", registration.value("overdue", false) ? "yes" : "no"},
      {"contact", text(registration, "contact")},
      {"notes", text(registration, "notes")},
      {"created by", text(registration, "created_by")},
  };
  if (const auto open = registration.find("open_zones"); open != registration.end()) {
    std::string zones;
    for (const auto& zone : *open) {
      if (zone.is_string()) zones += (zones.empty() ? "" : ", ") + zone.get<std::string>();
    }
    rows.push_back({"open zones", zones.empty() ? "-" : zones});
  }
  if (const auto k = registration.find("keyholder"); k != registration.end() && k->is_object()) {
    std::string window = text(*k, "valid_from") + " to " + text(*k, "valid_until");
    if (k->contains("hours")) window += ", daily " + text(*k, "hours");
    rows.push_back({"keyholder", text(*k, "name") + " (" + window + ")"});
  }
  if (const auto ack = registration.find("platform_ack");
      ack != registration.end() && ack->is_object()) {
    rows.push_back({"platform", text(*ack, "status") + " at " + text(*ack, "time")});
  } else {
    rows.push_back({"platform", "not acknowledged yet"});
  }
  return FormatTable({"WATCH", "VALUE"}, rows);
}

std::string FormatCommandResult(const CommandResult& result) {
  std::string out = result.accepted ? "accepted" : "refused (" + result.reason + ")";
  if (!result.message.empty()) out += ": " + result.message;
  if (!result.user.empty() && result.accepted) out += " [user " + result.user + "]";
  if (!result.open_zones.empty()) {
    out += "\nopen zones: ";
    for (std::size_t i = 0; i < result.open_zones.size(); ++i) {
      out += (i == 0 ? "" : ", ") + result.open_zones[i];
    }
    if (!result.accepted) out += "\n(close them, or arm with --force to bypass them)";
  }
  out += "\n";
  if (!result.alarm_memory.empty()) {
    out += "alarm memory: while armed, " + std::to_string(result.alarm_memory.size()) +
           (result.alarm_memory.size() == 1 ? " zone alarmed:\n" : " zones alarmed:\n") +
           FormatAlarmMemory(result.alarm_memory);
  }
  return out;
}

std::string FormatAlarmMemory(const std::vector<AlarmMemoryEntry>& memory) {
  std::string out;
  for (const AlarmMemoryEntry& entry : memory) {
    std::string line =
        "  " + OrDash(entry.zone) + "  " + OrDash(entry.type) + "  " + ShortTime(entry.time);
    if (entry.count > 1) line += "  (" + std::to_string(entry.count) + " alarms)";
    line += entry.restored ? "  restored " + ShortTime(*entry.restored) : "  not restored";
    out += line + "\n";
  }
  return out;
}

nlohmann::json AlarmMemoryJson(const std::vector<AlarmMemoryEntry>& memory) {
  nlohmann::json out = nlohmann::json::array();
  for (const AlarmMemoryEntry& entry : memory) {
    out.push_back({{"zone", entry.zone},
                   {"type", entry.type},
                   {"time", FormatRfc3339(entry.time)},
                   {"restored", entry.restored ? nlohmann::json(FormatRfc3339(*entry.restored))
                                               : nlohmann::json()},
                   {"count", entry.count}});
  }
  return out;
}

}  // namespace homesec
