// `homesecctl events`: filters, lines and the history/live join; see event_feed.hpp.
#include "tools/homesecctl/event_feed.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "rules/event_json.hpp"
#include "rules/text.hpp"
#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/protocol.hpp"

namespace homesec {
namespace {

std::string ContactIdText(const Event& event) {
  return event.cid.code == 0 ? "-" : ToString(event.cid);
}

// The local seq in "<hub_id>:<seq>", when the id is this hub's.
std::optional<std::uint64_t> LocalSeqOf(const std::string& id, const std::string& hub_id) {
  if (!id.starts_with(hub_id + ":")) return std::nullopt;
  const std::string_view digits = std::string_view(id).substr(hub_id.size() + 1);
  std::uint64_t seq = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (ec != std::errc() || end != digits.data() + digits.size() || seq == 0) return std::nullopt;
  return seq;
}

// Fixed columns for lines printed one at a time: wide enough for the usual cell, never cut.
std::string Padded(const std::string& text, std::size_t width) {
  return text.size() >= width ? text + " " : text + std::string(width - text.size() + 1, ' ');
}

}  // namespace

EventFilter FilterFor(const CtlArgs& args, WallTime now) {
  EventFilter filter;
  filter.types = args.event_types;
  filter.zone = args.event_zone;
  if (args.since) filter.since = args.since;
  if (args.since_age) filter.since = now - *args.since_age;
  return filter;
}

bool Matches(const Event& event, const EventFilter& filter) {
  if (filter.since && event.time < *filter.since) return false;
  if (!filter.zone.empty() && event.zone != filter.zone) return false;
  if (filter.types.empty()) return true;
  const std::string category(ToString(event.category));
  return std::any_of(filter.types.begin(), filter.types.end(), [&](const std::string& type) {
    return type == event.type || type == category;
  });
}

std::vector<DispatchStatus> StatusesToShow(const Event& event,
                                           const std::vector<DispatchStatus>& history) {
  std::vector<DispatchStatus> out;
  for (const DispatchStatus& status : history) {
    if (status.status == "received" && event.category != EventCategory::kAlarm) continue;
    out.push_back(status);
  }
  return out;
}

std::string FormatShownEvents(const std::vector<ShownEvent>& events) {
  if (events.empty()) return "no events\n";
  std::vector<std::vector<std::string>> rows;
  for (const ShownEvent& shown : events) {
    const Event& event = shown.event;
    rows.push_back({std::to_string(event.seq), ShortTime(event.time),
                    std::string(ToString(event.category)), event.type, OrDash(event.zone),
                    OrDash(event.user), ContactIdText(event), event.text});
    for (const DispatchStatus& status : shown.dispatch) {
      rows.push_back({"", ShortTime(status.at), "", "> " + PrintableText(status.status, 20), "", "",
                      "", PrintableText(status.note, 200)});
    }
  }
  return FormatTable({"SEQ", "TIME", "CATEGORY", "TYPE", "ZONE", "USER", "CONTACT ID", "TEXT"},
                     rows);
}

std::string EventHeader() {
  return Padded("SEQ", 6) + Padded("TIME", 21) + Padded("CATEGORY", 15) + Padded("TYPE", 20) +
         Padded("ZONE", 16) + Padded("USER", 10) + Padded("CONTACT ID", 14) + "TEXT\n";
}

std::string FormatEventLine(const ShownEvent& shown) {
  const Event& event = shown.event;
  std::string out = Padded(std::to_string(event.seq), 6) + Padded(ShortTime(event.time), 21) +
                    Padded(std::string(ToString(event.category)), 15) + Padded(event.type, 20) +
                    Padded(OrDash(event.zone), 16) + Padded(OrDash(event.user), 10) +
                    Padded(ContactIdText(event), 14) + event.text + "\n";
  for (const DispatchStatus& status : shown.dispatch) out += FormatDispatchLine(status);
  return out;
}

std::string FormatDispatchLine(const DispatchStatus& status, const std::string& what) {
  std::string out = std::string(7, ' ') + Padded(ShortTime(status.at), 21) + "> " +
                    PrintableText(status.status, 20);
  if (!what.empty()) out += " for " + what;
  if (!status.note.empty()) out += ": " + PrintableText(status.note, 200);
  return out + "\n";
}

std::string EventJsonLine(const ShownEvent& shown, const std::string& hub_id) {
  nlohmann::json json = EventToJson(shown.event, hub_id);
  nlohmann::json dispatch = nlohmann::json::array();
  for (const DispatchStatus& status : shown.dispatch) {
    dispatch.push_back({{"status", PrintableText(status.status, 20)},
                        {"time", FormatRfc3339(status.at)},
                        {"note", PrintableText(status.note, 200)}});
  }
  json["dispatch"] = std::move(dispatch);
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

EventFeed::EventFeed(EventFilter filter, std::string hub_id, bool json)
    : filter_(std::move(filter)), hub_id_(std::move(hub_id)), json_(json) {}

std::string EventFeed::Show(const ShownEvent& shown) {
  last_seq_ = std::max(last_seq_, shown.event.seq);
  if (!Matches(shown.event, filter_)) return {};
  shown_[shown.event.seq] = shown.event.type;
  // Only the recent ones: a dispatch notice comes minutes after its alarm, not days.
  while (shown_.size() > 10000) shown_.erase(shown_.begin());
  if (json_) return EventJsonLine(shown, hub_id_);
  std::string out;
  if (!header_shown_) out = EventHeader();
  header_shown_ = true;
  return out + FormatEventLine(shown);
}

std::string EventFeed::History(const std::vector<ShownEvent>& events, std::uint64_t read_up_to) {
  std::string out;
  for (const ShownEvent& shown : events) out += Show(shown);
  last_seq_ = std::max(last_seq_, read_up_to);
  return out;
}

std::string EventFeed::Dispatch(const nlohmann::json& notice) {
  const std::string id = StringField(notice, "id");
  const std::optional<std::uint64_t> seq = LocalSeqOf(id, hub_id_);
  const auto shown = seq ? shown_.find(*seq) : shown_.end();
  // With a type or zone filter, only the statuses of events it let through (an older event's
  // type is not known here); without one, every status.
  if (shown == shown_.end() && (!filter_.types.empty() || !filter_.zone.empty())) return {};
  DispatchStatus status;
  status.seq = seq.value_or(0);
  status.status = PrintableText(StringField(notice, "status"), 20);
  status.note = PrintableText(StringField(notice, "note"), 200);
  status.at = ParseRfc3339(StringField(notice, "time")).value_or(WallTime{});
  if (status.status.empty()) return {};
  if (json_) {
    nlohmann::json line{{"type", "dispatch"},
                        {"id", PrintableText(id, 100)},
                        {"status", status.status},
                        {"note", status.note},
                        {"time", FormatRfc3339(status.at)}};
    if (seq) line["seq"] = *seq;
    return line.dump() + "\n";
  }
  std::string what = seq ? std::to_string(*seq) : PrintableText(id, 100);
  if (shown != shown_.end()) what += " " + shown->second;
  return FormatDispatchLine(status, what);
}

EventFeed::LiveResult EventFeed::Live(std::string_view payload) {
  LiveResult result;
  const nlohmann::json json = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object()) return result;
  if (StringField(json, "type") == "dispatch" && !json.contains("seq")) {
    result.print = Dispatch(json);
    return result;
  }
  std::string error;
  std::optional<Event> event = EventFromJson(json, &error);
  if (!event || event->seq == 0) return result;
  if (event->seq <= last_seq_) return result;  // in the history already (or printed live)
  if (event->seq > last_seq_ + 1) {
    result.gap_from = last_seq_ + 1;
    result.gap_to = event->seq - 1;
    return result;
  }
  // Anyone on the broker may have written it: printable before it is shown.
  event->text = PrintableText(event->text, 500);
  event->type = PrintableText(event->type, 60);
  event->zone = PrintableText(event->zone, 100);
  event->user = PrintableText(event->user, 100);
  result.print = Show(ShownEvent{std::move(*event), {}});
  return result;
}

std::string EventFeed::FillGap(const std::vector<ShownEvent>& events, std::uint64_t to) {
  std::vector<const ShownEvent*> inside;
  for (const ShownEvent& shown : events) {
    if (shown.event.seq > last_seq_ && shown.event.seq <= to) inside.push_back(&shown);
  }
  std::sort(inside.begin(), inside.end(),
            [](const ShownEvent* a, const ShownEvent* b) { return a->event.seq < b->event.seq; });
  std::string out;
  for (const ShownEvent* shown : inside) out += Show(*shown);
  // What the store does not have (an event published from memory while it could not write) is
  // not waited for.
  last_seq_ = std::max(last_seq_, to);
  return out;
}

}  // namespace homesec
