// PIN codes: salted slow hashes (PBKDF2-HMAC-SHA256), constant-time comparison, and the code
// checker that enforces roles, keyholder windows, duress and wrong-code lockout. Pure: the salt is
// passed in by the caller (the shell draws it from the OS random source).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "rules/panel_config.hpp"

namespace homesec {

inline constexpr int kDefaultPinIterations = 20000;

// "pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>".
std::string HashPin(std::string_view pin, std::span<const std::uint8_t> salt,
                    int iterations = kDefaultPinIterations);
// Constant-time check of `pin` against an encoded hash; false for a malformed hash.
bool VerifyPin(std::string_view pin, std::string_view encoded_hash);
// Empty when acceptable, else why not ("PIN must be at least 4 digits").
std::string CheckPinFormat(std::string_view pin, int min_length);

enum class AuthOutcome {
  kOk,
  kDuress,      // valid duress code: act as a normal disarm, raise silent 121
  kWrongCode,   // includes a keyholder code outside its window
  kLockedOut,   // too many wrong codes; refused without checking
  kNotAllowed,  // valid code whose user may not do this (MayDisarm false for a disarm)
};

struct AuthResult {
  AuthOutcome outcome = AuthOutcome::kWrongCode;
  std::optional<User> user;
  // True when this attempt started a lockout (emit Contact ID 461 once).
  bool lockout_started = false;
  Seconds lockout_remaining{0};
};

// One source's wrong-code history: where codes are typed that homesec can tell apart.
struct CodeAttempts {
  std::vector<WallTime> recent_wrong;  // inside the policy window
  std::optional<WallTime> locked_until;
  // Lockouts since this source last entered a valid code (or since it was quiet for
  // CodePolicy::lockout_reset): the next lockout lasts lockout * 2^lockouts, up to lockout_max.
  int lockouts = 0;
  std::optional<WallTime> last_wrong;
  bool operator==(const CodeAttempts&) const = default;
  bool Idle(WallTime now) const;  // nothing worth keeping
};

// Persistent part of the checker, saved with the panel state. The inherited fields are the
// shared source: every publisher on the shared local command topic (scripts, clients without an
// account topic), which homesecd cannot tell apart. Sources it can tell apart (each keypad by its
// Zigbee device, each broker account by its own command topic, the platform) have their own
// entry in `sources`.
struct CodeCheckerState : CodeAttempts {
  std::map<std::string, CodeAttempts> sources;
  bool operator==(const CodeCheckerState&) const = default;
  CodeAttempts& For(const std::string& source);
};

// Bound on `sources` (keypads are configured devices; this only guards against a bug).
inline constexpr std::size_t kMaxCodeSources = 64;

// The lockout source of a command source: "keypad:<device>", "mqtt:<account>" (a configured
// broker account's own command topic) and "platform" are their own; every other source ("mqtt",
// the shared command topic, and whatever a publisher claims to be) is the shared source "" — a
// declared name would let an attacker rotate names and guess without limit.
std::string LockoutSource(std::string_view command_source);

// The lockout that the `lockouts`-th lockout in a row lasts: policy.lockout doubled each time,
// at most policy.lockout_max.
Seconds LockoutDuration(const CodePolicy& policy, int lockouts);

// Checks a code: whose it is (a keyholder's outside its window is a wrong code), or kDuress.
// What the user may then do is the caller's check (MayDisarm for a disarm). Updates `state`
// (wrong-code history, lockout) for `source` (see LockoutSource): a lockout refuses only codes
// from the source that earned it.
AuthResult Authenticate(std::string_view code, const std::vector<User>& users,
                        const CodePolicy& policy, WallTime now, CodeCheckerState& state,
                        const std::string& source = {});

struct PanelState;

// Whether `user`'s own code disarms the panel in `state` at `now` — the one rule both the code
// check of a disarm (PanelEngine::CheckCode) and explain's "could have disarmed" use, so that the
// two cannot disagree. Masters and users always; a duress code too (it disarms, and raises the
// silent 121); an arm-only code never; a keyholder only inside its validity window, and the
// vacant-house watch's keyholder only while that watch is on and inside its daily hours
// (VacantWatch::IsKeyholderCodeValid).
bool MayDisarm(const User& user, const PanelState& state, WallTime now);

// The user a duress code passes itself off as, locally: the user named by
// policy.duress_imitates when there is one (a master or user: only their own codes disarm at any
// time), else the master with the lowest number, else the lowest-numbered user; nullopt when
// there is none.
std::optional<User> DuressImitation(const std::vector<User>& users, const CodePolicy& policy);

}  // namespace homesec
