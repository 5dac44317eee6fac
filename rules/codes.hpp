// PIN codes: salted slow hashes (PBKDF2-HMAC-SHA256), constant-time comparison, and the code
// checker that enforces roles, keyholder windows, duress and wrong-code lockout. Pure: the salt is
// passed in by the caller (the shell draws it from the OS random source).
#pragma once

#include <cstdint>
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
  kNotAllowed,  // valid code whose role cannot do this (arm_only disarming)
};

struct AuthResult {
  AuthOutcome outcome = AuthOutcome::kWrongCode;
  std::optional<User> user;
  // True when this attempt started a lockout (emit Contact ID 461 once).
  bool lockout_started = false;
  Seconds lockout_remaining{0};
};

// Persistent part of the checker (wrong-code history), saved with the panel state.
struct CodeCheckerState {
  std::vector<WallTime> recent_wrong;  // inside the policy window
  std::optional<WallTime> locked_until;
  bool operator==(const CodeCheckerState&) const = default;
};

// Checks a code for an action. `for_disarm` selects the permission check (arm_only users cannot
// disarm). Updates `state` (wrong-code history, lockout).
AuthResult Authenticate(std::string_view code, bool for_disarm, const std::vector<User>& users,
                        const CodePolicy& policy, WallTime now, CodeCheckerState& state);

}  // namespace homesec
