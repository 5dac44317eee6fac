// String forms of the core's enums: one table per enum, used by ToString and Parse alike so the
// two can never disagree.
#include "rules/types.hpp"

#include <array>
#include <cstdio>
#include <utility>

#include "rules/panel_config.hpp"

namespace homesec {
namespace {

template <typename E, std::size_t N>
using Table = std::array<std::pair<E, std::string_view>, N>;

template <typename E, std::size_t N>
std::string_view Lookup(const Table<E, N>& table, E value) {
  for (const auto& [e, name] : table) {
    if (e == value) return name;
  }
  return "unknown";
}

template <typename E, std::size_t N>
std::optional<E> Find(const Table<E, N>& table, std::string_view text) {
  for (const auto& [e, name] : table) {
    if (name == text) return e;
  }
  return std::nullopt;
}

constexpr Table<Mode, 8> kModes{{
    {Mode::kDisarmed, "disarmed"},
    {Mode::kArmedHome, "armed_home"},
    {Mode::kArmedNight, "armed_night"},
    {Mode::kArmedAway, "armed_away"},
    {Mode::kArmedVacation, "armed_vacation"},
    {Mode::kArming, "arming"},
    {Mode::kPending, "pending"},
    {Mode::kTriggered, "triggered"},
}};

constexpr Table<ZoneType, 11> kZoneTypes{{
    {ZoneType::kEntryExit, "entry_exit"},
    {ZoneType::kEntryFollower, "entry_follower"},
    {ZoneType::kPerimeter, "perimeter"},
    {ZoneType::kInterior, "interior"},
    {ZoneType::kTamper24h, "tamper_24h"},
    {ZoneType::kFire24h, "fire_24h"},
    {ZoneType::kWater24h, "water_24h"},
    {ZoneType::kGas24h, "gas_24h"},
    {ZoneType::kPanic24h, "panic_24h"},
    {ZoneType::kLock, "lock"},
    {ZoneType::kDoorHeld, "door_held"},
}};

constexpr Table<CommandAction, 22> kCommandActions{{
    {CommandAction::kArmHome, "ARM_HOME"},
    {CommandAction::kArmNight, "ARM_NIGHT"},
    {CommandAction::kArmAway, "ARM_AWAY"},
    {CommandAction::kArmVacation, "ARM_VACATION"},
    {CommandAction::kDisarm, "DISARM"},
    {CommandAction::kTrigger, "TRIGGER"},
    {CommandAction::kPanic, "PANIC"},
    {CommandAction::kFire, "FIRE"},
    {CommandAction::kMedical, "MEDICAL"},
    {CommandAction::kSilenceSiren, "SILENCE_SIREN"},
    {CommandAction::kWatchStart, "WATCH_START"},
    {CommandAction::kWatchExtend, "WATCH_EXTEND"},
    {CommandAction::kWatchCancel, "WATCH_CANCEL"},
    {CommandAction::kPatrolCheckIn, "PATROL_CHECK_IN"},
    {CommandAction::kBypass, "BYPASS"},
    {CommandAction::kUnbypass, "UNBYPASS"},
    {CommandAction::kPair, "PAIR"},
    {CommandAction::kPairStop, "PAIR_STOP"},
    {CommandAction::kWalkTest, "WALK_TEST"},
    {CommandAction::kWalkTestStop, "WALK_TEST_STOP"},
    {CommandAction::kMemoryClear, "MEMORY_CLEAR"},
    {CommandAction::kTroubleAck, "TROUBLE_ACK"},
}};

constexpr Table<EventCategory, 12> kCategories{{
    {EventCategory::kAlarm, "alarm"},
    {EventCategory::kRestore, "restore"},
    {EventCategory::kTrouble, "trouble"},
    {EventCategory::kTroubleRestore, "trouble_restore"},
    {EventCategory::kArming, "arming"},
    {EventCategory::kDisarming, "disarming"},
    {EventCategory::kBypass, "bypass"},
    {EventCategory::kAccess, "access"},
    {EventCategory::kWatch, "watch"},
    {EventCategory::kDispatch, "dispatch"},
    {EventCategory::kSystem, "system"},
    {EventCategory::kTest, "test"},
}};

constexpr Table<Priority, 4> kPriorities{{
    {Priority::kCritical, "critical"},
    {Priority::kHigh, "high"},
    {Priority::kNormal, "normal"},
    {Priority::kLow, "low"},
}};

constexpr Table<OutputKind, 4> kOutputKinds{{
    {OutputKind::kSiren, "siren"},
    {OutputKind::kStrobe, "strobe"},
    {OutputKind::kDeterrent, "deterrent"},
    {OutputKind::kChime, "chime"},
}};

constexpr Table<OutputPattern, 3> kOutputPatterns{{
    {OutputPattern::kOff, "off"},
    {OutputPattern::kSteady, "steady"},
    {OutputPattern::kPulsed, "pulsed"},
}};

constexpr Table<SirenReason, 3> kSirenReasons{{
    {SirenReason::kBurglar, "burglar"},
    {SirenReason::kFire, "fire"},
    {SirenReason::kEmergency, "emergency"},
}};

constexpr Table<ZoneStatus, 6> kZoneStatuses{{
    {ZoneStatus::kClosed, "closed"},
    {ZoneStatus::kOpen, "open"},
    {ZoneStatus::kUnknown, "unknown"},
    {ZoneStatus::kBypassed, "bypassed"},
    {ZoneStatus::kAlarm, "alarm"},
    {ZoneStatus::kTrouble, "trouble"},
}};

constexpr Table<Role, 5> kRoles{{
    {Role::kMaster, "master"},
    {Role::kUser, "user"},
    {Role::kArmOnly, "arm_only"},
    {Role::kKeyholder, "keyholder"},
    {Role::kDuress, "duress"},
}};

}  // namespace

std::string_view ToString(Mode mode) {
  return Lookup(kModes, mode);
}
std::optional<Mode> ParseMode(std::string_view text) {
  return Find(kModes, text);
}
bool IsArmedMode(Mode mode) {
  return mode == Mode::kArmedHome || mode == Mode::kArmedNight || mode == Mode::kArmedAway ||
         mode == Mode::kArmedVacation;
}

std::string_view ToString(ZoneType type) {
  return Lookup(kZoneTypes, type);
}
std::optional<ZoneType> ParseZoneType(std::string_view text) {
  return Find(kZoneTypes, text);
}
bool Is24Hour(ZoneType type) {
  switch (type) {
    case ZoneType::kTamper24h:
    case ZoneType::kFire24h:
    case ZoneType::kWater24h:
    case ZoneType::kGas24h:
    case ZoneType::kPanic24h:
      return true;
    default:
      return false;
  }
}

std::string_view ToString(CommandAction action) {
  return Lookup(kCommandActions, action);
}
std::optional<CommandAction> ParseCommandAction(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return Find(kCommandActions, upper);
}

std::string_view ToString(EventCategory category) {
  return Lookup(kCategories, category);
}
std::optional<EventCategory> ParseEventCategory(std::string_view text) {
  return Find(kCategories, text);
}

std::string_view ToString(Priority priority) {
  return Lookup(kPriorities, priority);
}
std::optional<Priority> ParsePriority(std::string_view text) {
  return Find(kPriorities, text);
}

std::string ToString(const ContactId& cid) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%d%03d %02d %03d", cid.qualifier, cid.code, cid.group,
                cid.number);
  return buf;
}

std::string_view ToString(OutputKind kind) {
  return Lookup(kOutputKinds, kind);
}
std::string_view ToString(OutputPattern pattern) {
  return Lookup(kOutputPatterns, pattern);
}
std::string_view ToString(SirenReason reason) {
  return Lookup(kSirenReasons, reason);
}
std::string_view ToString(ZoneStatus status) {
  return Lookup(kZoneStatuses, status);
}

std::string_view ToString(Role role) {
  return Lookup(kRoles, role);
}
std::optional<Role> ParseRole(std::string_view text) {
  return Find(kRoles, text);
}

std::string TroubleId(const ActiveTrouble& trouble) {
  const std::string& where = trouble.zone.empty() ? trouble.device : trouble.zone;
  return where.empty() ? trouble.type : trouble.type + ":" + where;
}

}  // namespace homesec
