// homesecctl's tables and JSON; see ctl_format.hpp.
#include "daemon/ctl_format.hpp"

#include <algorithm>

namespace homesec {
namespace {

std::string TimeOrDash(const std::optional<WallTime>& time) {
  return time ? FormatRfc3339(*time) : "-";
}

std::string OrDash(const std::string& text) {
  return text.empty() ? "-" : text;
}

// "2026-11-28T17:10:46.123Z" -> "2026-11-28 17:10:46Z": seconds are enough in a table.
std::string ShortTime(WallTime time) {
  std::string text = FormatRfc3339(time);
  if (text.size() >= 19) text = text.substr(0, 10) + " " + text.substr(11, 8) + "Z";
  return text;
}

}  // namespace

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
  if (events.empty()) return "no events\n";
  std::vector<std::vector<std::string>> rows;
  for (const Event& event : events) {
    rows.push_back({std::to_string(event.seq), ShortTime(event.time),
                    std::string(ToString(event.category)), event.type, OrDash(event.zone),
                    OrDash(event.user), event.cid.code == 0 ? "-" : ToString(event.cid),
                    event.text});
  }
  return FormatTable({"SEQ", "TIME", "CATEGORY", "TYPE", "ZONE", "USER", "CONTACT ID", "TEXT"},
                     rows);
}

std::string FormatStatus(const PanelStatus& status) {
  std::string out = "state:     " + status.state.value_or("unknown (never published)") + "\n";
  out += "homesecd:  " +
         std::string(status.availability == "online"    ? "online"
                     : status.availability == "offline" ? "OFFLINE"
                                                        : "unknown") +
         "\n";
  if (status.zones.empty()) return out;
  std::vector<std::vector<std::string>> rows;
  for (const ZoneView& zone : status.zones) {
    rows.push_back({zone.id, OrDash(zone.name), zone.status,
                    zone.open ? (*zone.open ? "open" : "closed") : "-"});
  }
  return out + "\n" + FormatTable({"ZONE", "NAME", "STATUS", "CONTACT"}, rows);
}

nlohmann::json StatusToJson(const PanelStatus& status) {
  nlohmann::json zones = nlohmann::json::array();
  for (const ZoneView& zone : status.zones) {
    zones.push_back({{"id", zone.id},
                     {"name", zone.name},
                     {"status", zone.status},
                     {"open", zone.open ? nlohmann::json(*zone.open) : nlohmann::json()}});
  }
  return nlohmann::json{{"state", status.state ? nlohmann::json(*status.state) : nlohmann::json()},
                        {"available", status.availability == "online"},
                        {"zones", zones}};
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
  return out + "\n";
}

}  // namespace homesec
