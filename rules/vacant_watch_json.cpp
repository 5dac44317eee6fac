// The vacant-house watch as JSON: the registration document published (retained) to the platform
// and the local watch topic, and the snapshot the daemon persists so a watch survives restarts in
// every state. The snapshot keeps absolute wall times only; derived schedules (the next daily
// report) are recomputed on restore from the current config.
#include <array>
#include <limits>
#include <stdexcept>
#include <utility>

#include "rules/json_limits.hpp"
#include "rules/vacant_watch.hpp"

namespace homesec {
namespace {

using nlohmann::json;

constexpr int kSnapshotVersion = 1;

json TimeOrNull(const std::optional<WallTime>& t) {
  return t ? json(FormatRfc3339(*t)) : json(nullptr);
}

// Reads an RFC 3339 string or null; throws (caught in Restore) on any other shape.
std::optional<WallTime> ReadTime(const json& j, const char* key) {
  const json& v = j.at(key);
  if (v.is_null()) return std::nullopt;
  auto t = ParseRfc3339(v.get<std::string>());
  if (!t) throw std::runtime_error(std::string(key) + ": not an RFC 3339 time");
  return t;
}

WallTime RequireTime(const json& j, const char* key) {
  auto t = ReadTime(j, key);
  if (!t) throw std::runtime_error(std::string(key) + ": missing");
  return *t;
}

}  // namespace

json VacantWatch::Registration() const {
  json doc = {
      {"watch_id", request_.id},
      {"state", ToString(state())},
      {"departure", TimeOrNull(request_.departure)},
      {"expected_return", FormatRfc3339(request_.expected_return)},
      {"contact", request_.contact_phone},
      {"notes", request_.notes},
      {"created_by", request_.created_by},
      {"overdue", overdue_},
  };
  if (phase_ == Phase::kBlocked || !open_zones_.empty()) doc["open_zones"] = open_zones_;
  if (request_.keyholder) {
    // Name and window only: the PIN and its hash never leave the hub.
    const Keyholder& k = *request_.keyholder;
    doc["keyholder"] = {{"name", k.name},
                        {"valid_from", FormatRfc3339(k.valid_from)},
                        {"valid_until", FormatRfc3339(k.valid_until)}};
    if (k.hours) doc["keyholder"]["hours"] = ToString(*k.hours);
  }
  if (ack_status_) {
    doc["platform_ack"] = {{"status", *ack_status_}, {"time", TimeOrNull(ack_time_)}};
  }
  return doc;
}

namespace {

constexpr std::array<std::pair<int, std::string_view>, 7> kPhaseNames{{
    {0, "scheduled"},
    {1, "arming"},
    {2, "blocked"},
    {3, "active"},
    {4, "visit"},
    {5, "ended"},
    {6, "cancelled"},
}};

}  // namespace

json VacantWatch::Snapshot() const {
  json req = {
      {"id", request_.id},
      {"departure", TimeOrNull(request_.departure)},
      {"expected_return", FormatRfc3339(request_.expected_return)},
      {"contact", request_.contact_phone},
      {"notes", request_.notes},
      {"created_by", request_.created_by},
      {"rearm_after_keyholder_s", request_.rearm_after_keyholder
                                      ? json(request_.rearm_after_keyholder->count())
                                      : json(nullptr)},
      {"keyholder", nullptr},
  };
  if (request_.keyholder) {
    const Keyholder& k = *request_.keyholder;
    req["keyholder"] = {{"name", k.name},
                        {"user_number", k.user_number},
                        {"valid_from", FormatRfc3339(k.valid_from)},
                        {"valid_until", FormatRfc3339(k.valid_until)},
                        {"hours", k.hours ? json(ToString(*k.hours)) : json(nullptr)},
                        {"pin_hash", k.pin_hash}};  // local persistence only
  }
  return {
      {"version", kSnapshotVersion},
      {"request", req},
      {"phase", kPhaseNames[static_cast<std::size_t>(phase_)].second},
      {"overdue", overdue_},
      {"was_active", was_active_},
      {"report_from", TimeOrNull(report_from_)},
      {"retry_at", TimeOrNull(retry_at_)},
      {"rearm_at", TimeOrNull(rearm_at_)},
      {"open_zones", open_zones_},
      {"platform_ack", ack_status_ ? json{{"status", *ack_status_}, {"time", TimeOrNull(ack_time_)}}
                                   : json(nullptr)},
  };
}

std::optional<VacantWatch> VacantWatch::Restore(const json& snapshot, WatchConfig config,
                                                std::string* error) {
  try {
    if (IntegerIn(snapshot.at("version"), 0, std::numeric_limits<int>::max(), "version") !=
        kSnapshotVersion) {
      throw std::runtime_error("unsupported snapshot version");
    }
    const json& r = snapshot.at("request");
    WatchRequest request;
    request.id = r.at("id").get<std::string>();
    request.departure = ReadTime(r, "departure");
    request.expected_return = RequireTime(r, "expected_return");
    request.contact_phone = r.at("contact").get<std::string>();
    request.notes = r.at("notes").get<std::string>();
    request.created_by = r.at("created_by").get<std::string>();
    if (!r.at("rearm_after_keyholder_s").is_null()) {
      request.rearm_after_keyholder =
          Seconds{IntegerIn(r.at("rearm_after_keyholder_s"), 0,
                            std::numeric_limits<std::int32_t>::max(), "rearm_after_keyholder_s")};
    }
    if (const json& k = r.at("keyholder"); !k.is_null()) {
      Keyholder keyholder;
      keyholder.name = k.at("name").get<std::string>();
      keyholder.user_number = static_cast<int>(
          IntegerIn(k.at("user_number"), 0, std::numeric_limits<int>::max(), "user_number"));
      keyholder.valid_from = RequireTime(k, "valid_from");
      keyholder.valid_until = RequireTime(k, "valid_until");
      if (!k.at("hours").is_null()) {
        keyholder.hours = ParseDailyHours(k.at("hours").get<std::string>());
        if (!keyholder.hours) throw std::runtime_error("keyholder.hours: malformed");
      }
      keyholder.pin_hash = k.at("pin_hash").get<std::string>();
      request.keyholder = std::move(keyholder);
    }
    if (request.id.empty() || !request.departure) {
      throw std::runtime_error("request: id and departure are required");
    }

    VacantWatch watch(std::move(request), std::move(config));
    const std::string phase = snapshot.at("phase").get<std::string>();
    bool found = false;
    for (const auto& [value, name] : kPhaseNames) {
      if (name == phase) {
        watch.phase_ = static_cast<Phase>(value);
        found = true;
      }
    }
    if (!found) throw std::runtime_error("phase: unknown '" + phase + "'");
    watch.overdue_ = snapshot.at("overdue").get<bool>();
    watch.was_active_ = snapshot.at("was_active").get<bool>();
    watch.report_from_ = ReadTime(snapshot, "report_from");
    watch.retry_at_ = ReadTime(snapshot, "retry_at");
    watch.rearm_at_ = ReadTime(snapshot, "rearm_at");
    // The panel's answer to an arm request may have been lost with the process: ask again on the
    // first tick.
    if (watch.phase_ == Phase::kArming) watch.retry_at_ = WallTime{};
    watch.open_zones_ = snapshot.at("open_zones").get<std::vector<std::string>>();
    if (const json& ack = snapshot.at("platform_ack"); !ack.is_null()) {
      watch.ack_status_ = ack.at("status").get<std::string>();
      watch.ack_time_ = ReadTime(ack, "time");
    }
    return watch;
  } catch (const std::exception& e) {
    if (error != nullptr) *error = std::string("watch snapshot: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace homesec
