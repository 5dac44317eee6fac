// The JSON shape of an event (uplink `events` topic, local `event` topic, event log). Parsing is
// strict: every documented field must be present with the right type, so a malformed message is
// rejected with a message naming the field instead of turning into a half-filled event.
#include "rules/event_json.hpp"

#include <algorithm>

namespace homesec {
namespace {

using nlohmann::json;

// Field readers: each returns false and sets `error` naming the field on a missing or mistyped
// value. Strings that may be empty also accept null (a platform may send null for "none").
class FieldReader {
 public:
  FieldReader(const json& object, std::string prefix, std::string* error)
      : object_(object), prefix_(std::move(prefix)), error_(error) {}

  bool String(const char* name, std::string& out, bool null_means_empty) {
    const json* value = Find(name);
    if (value == nullptr) return false;
    if (value->is_null() && null_means_empty) {
      out.clear();
      return true;
    }
    if (!value->is_string()) return Fail(name, "must be a string");
    out = value->get<std::string>();
    return true;
  }

  bool Bool(const char* name, bool& out) {
    const json* value = Find(name);
    if (value == nullptr) return false;
    if (!value->is_boolean()) return Fail(name, "must be true or false");
    out = value->get<bool>();
    return true;
  }

  bool Int(const char* name, int& out, int min, int max) {
    const json* value = Find(name);
    if (value == nullptr) return false;
    if (!value->is_number_integer()) return Fail(name, "must be an integer");
    const auto v = value->get<std::int64_t>();
    if (v < min || v > max) {
      return Fail(name, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    out = static_cast<int>(v);
    return true;
  }

  bool Seq(const char* name, std::uint64_t& out) {
    const json* value = Find(name);
    if (value == nullptr) return false;
    if (!value->is_number_unsigned()) return Fail(name, "must be a non-negative integer");
    out = value->get<std::uint64_t>();
    return true;
  }

  template <typename E, typename ParseFn>
  bool Enum(const char* name, E& out, ParseFn parse) {
    std::string text;
    if (!String(name, text, false)) return false;
    const std::optional<E> parsed = parse(text);
    if (!parsed) return Fail(name, "unknown value '" + text + "'");
    out = *parsed;
    return true;
  }

  bool Time(const char* name, WallTime& out) {
    std::string text;
    if (!String(name, text, false)) return false;
    const auto parsed = ParseRfc3339(text);
    if (!parsed) return Fail(name, "must be an RFC 3339 time, got '" + text + "'");
    out = *parsed;
    return true;
  }

  const json* Find(const char* name) {
    const auto it = object_.find(name);
    if (it == object_.end()) {
      Fail(name, "is missing");
      return nullptr;
    }
    return &*it;
  }

  bool Fail(const char* name, const std::string& why) {
    if (error_ != nullptr) *error_ = "event." + prefix_ + name + " " + why;
    return false;
  }

 private:
  const json& object_;
  std::string prefix_;
  std::string* error_;
};

void SetError(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

}  // namespace

std::string EventId(const std::string& hub_id, std::uint64_t seq) {
  return hub_id + ":" + std::to_string(seq);
}

std::string EventPayload(const Event& event, const std::string& hub_id) {
  return EventToJson(event, hub_id).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json EventToJson(const Event& event, const std::string& hub_id) {
  json out{
      {"id", EventId(hub_id, event.seq)},
      {"seq", event.seq},
      {"time", FormatRfc3339(event.time)},
      {"category", ToString(event.category)},
      {"priority", ToString(event.priority)},
      {"type", event.type},
      {"zone", event.zone},
      {"device", event.device},
      {"user", event.user},
      {"mode", ToString(event.mode)},
      {"contact_id",
       {
           {"qualifier", event.cid.qualifier},
           {"code", event.cid.code},
           {"group", event.cid.group},
           {"number", event.cid.number},
           {"data", ToString(event.cid)},
       }},
      {"silent", event.silent},
      {"vacant_watch", event.vacant_watch},
      {"watch_id", event.watch_id},
      {"text", event.text},
  };
  // Type-specific details (daily report, patrol check-in): only on the events that have them.
  if (!event.details.empty()) {
    json details = json::parse(event.details, nullptr, /*allow_exceptions=*/false);
    if (details.is_object()) out["details"] = std::move(details);
  }
  return out;
}

std::optional<Event> EventFromJson(const nlohmann::json& json, std::string* error) {
  // The accessors used below check types first, but a library exception must still never escape.
  try {
    if (!json.is_object()) {
      SetError(error, "event must be a JSON object");
      return std::nullopt;
    }
    Event event;
    FieldReader r(json, "", error);
    std::string id;
    if (!r.String("id", id, false) || !r.Seq("seq", event.seq) || !r.Time("time", event.time) ||
        !r.Enum("category", event.category, ParseEventCategory) ||
        !r.Enum("priority", event.priority, ParsePriority) ||
        !r.String("type", event.type, false) || !r.String("zone", event.zone, true) ||
        !r.String("device", event.device, true) || !r.String("user", event.user, true) ||
        !r.Enum("mode", event.mode, ParseMode) || !r.Bool("silent", event.silent) ||
        !r.Bool("vacant_watch", event.vacant_watch) ||
        !r.String("watch_id", event.watch_id, true) || !r.String("text", event.text, true)) {
      return std::nullopt;
    }
    const std::string seq_suffix = ":" + std::to_string(event.seq);
    if (id.size() <= seq_suffix.size() ||
        id.compare(id.size() - seq_suffix.size(), seq_suffix.size(), seq_suffix) != 0) {
      SetError(error, "event.id '" + id + "' does not end in ':" + std::to_string(event.seq) +
                          "' (the seq)");
      return std::nullopt;
    }

    const nlohmann::json* cid = r.Find("contact_id");
    if (cid == nullptr) return std::nullopt;
    if (!cid->is_object()) {
      SetError(error, "event.contact_id must be an object");
      return std::nullopt;
    }
    // Contact ID field widths: Q one digit, XYZ three, GG two, CCC three.
    FieldReader c(*cid, "contact_id.", error);
    if (!c.Int("qualifier", event.cid.qualifier, 0, 9) || !c.Int("code", event.cid.code, 0, 999) ||
        !c.Int("group", event.cid.group, 0, 99) || !c.Int("number", event.cid.number, 0, 999)) {
      return std::nullopt;
    }
    // "data" is derived from the four numbers; it is written for receivers that want the
    // DC-09 string, and ignored on input apart from its type.
    if (const auto data = cid->find("data"); data != cid->end() && !data->is_string()) {
      SetError(error, "event.contact_id.data must be a string");
      return std::nullopt;
    }

    // Optional: present only on events that carry details.
    if (const auto details = json.find("details"); details != json.end()) {
      if (!details->is_object()) {
        SetError(error, "event.details must be an object");
        return std::nullopt;
      }
      event.details = details->dump();
    }

    // Not part of the wire format: everything published is reportable. Accepted if present.
    if (const auto report = json.find("report"); report != json.end()) {
      if (!r.Bool("report", event.report)) return std::nullopt;
    }
    return event;
  } catch (const nlohmann::json::exception& e) {
    SetError(error, std::string("event: ") + e.what());
    return std::nullopt;
  }
}

void SilentHistory::Add(std::uint64_t seq) {
  ++total;
  recent.insert(std::upper_bound(recent.begin(), recent.end(), seq), seq);
  if (recent.size() > kSilentSeqsKept) recent.erase(recent.begin());
}

bool SilentHistory::Contains(std::uint64_t seq) const {
  return std::binary_search(recent.begin(), recent.end(), seq);
}

std::uint64_t SilentHistory::Below(std::uint64_t seq) const {
  const auto at_or_above = static_cast<std::uint64_t>(
      recent.end() - std::lower_bound(recent.begin(), recent.end(), seq));
  return total >= at_or_above ? total - at_or_above : 0;
}

nlohmann::json SilentHistoryToJson(const SilentHistory& history) {
  return json{{"total", history.total}, {"recent", history.recent}};
}

std::optional<SilentHistory> SilentHistoryFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return std::nullopt;
  const auto total = j.find("total");
  const auto recent = j.find("recent");
  if (total == j.end() || !total->is_number_unsigned() || recent == j.end() ||
      !recent->is_array()) {
    return std::nullopt;
  }
  SilentHistory history;
  history.total = total->get<std::uint64_t>();
  for (const json& seq : *recent) {
    if (!seq.is_number_unsigned()) return std::nullopt;
    history.recent.push_back(seq.get<std::uint64_t>());
  }
  std::sort(history.recent.begin(), history.recent.end());
  if (history.recent.size() > kSilentSeqsKept) {
    history.recent.erase(history.recent.begin(),
                         history.recent.end() - static_cast<std::ptrdiff_t>(kSilentSeqsKept));
  }
  history.total = std::max<std::uint64_t>(history.total, history.recent.size());
  return history;
}

std::optional<Event> LocalEvent(const Event& event, const SilentHistory& silent) {
  if (event.silent) return std::nullopt;
  Event local = event;
  local.seq = silent.LocalSeq(event.seq);
  return local;
}

std::string LocalEventPayload(const Event& event, const std::string& hub_id,
                              const SilentHistory& silent) {
  const std::optional<Event> local = LocalEvent(event, silent);
  return local ? EventPayload(*local, hub_id) : std::string();
}

}  // namespace homesec
