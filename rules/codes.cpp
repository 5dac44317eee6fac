// PIN hashing (PBKDF2-HMAC-SHA256 via OpenSSL), constant-time verification, PIN format rules and
// the code checker: roles, keyholder windows, duress and the wrong-code lockout (Contact ID 461).
#include "rules/codes.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>

#include "rules/panel_state.hpp"

namespace homesec {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kHashBytes = 32;
constexpr std::size_t kMaxPinDigits = 12;
// Upper bound on iterations accepted from a stored hash: a corrupted or hostile value must not
// stall the event loop for minutes.
constexpr long kMaxIterations = 10'000'000;

std::string ToHex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (std::uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0f]);
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::vector<std::uint8_t>> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> out;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexValue(hex[i]);
    const int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

bool Pbkdf2(std::string_view pin, std::span<const std::uint8_t> salt, int iterations,
            std::array<std::uint8_t, kHashBytes>& out) {
  return PKCS5_PBKDF2_HMAC(pin.data(), static_cast<int>(pin.size()), salt.data(),
                           static_cast<int>(salt.size()), iterations, EVP_sha256(),
                           static_cast<int>(out.size()), out.data()) == 1;
}

struct ParsedHash {
  int iterations = 0;
  std::vector<std::uint8_t> salt;
  std::vector<std::uint8_t> hash;
};

std::optional<ParsedHash> ParseHash(std::string_view encoded) {
  std::array<std::string_view, 4> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::size_t end = encoded.find('$', start);
    const bool last = i + 1 == parts.size();
    if (last != (end == std::string_view::npos)) return std::nullopt;
    parts[i] = encoded.substr(start, last ? std::string_view::npos : end - start);
    start = end + 1;
  }
  if (parts[0] != kScheme) return std::nullopt;
  long iterations = 0;
  const auto [ptr, ec] =
      std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), iterations);
  if (ec != std::errc() || ptr != parts[1].data() + parts[1].size()) return std::nullopt;
  if (iterations < 1 || iterations > kMaxIterations) return std::nullopt;
  auto salt = FromHex(parts[2]);
  auto hash = FromHex(parts[3]);
  if (!salt || salt->empty() || !hash || hash->size() != kHashBytes) return std::nullopt;
  return ParsedHash{static_cast<int>(iterations), std::move(*salt), std::move(*hash)};
}

bool InsideKeyholderWindow(const User& user, WallTime now) {
  if (user.valid_from && now < *user.valid_from) return false;
  if (user.valid_until && now > *user.valid_until) return false;
  return true;
}

Seconds Remaining(WallTime until, WallTime now) {
  const auto left = until - now;
  // Round up so a keypad never shows "0 s" while still locked.
  return std::chrono::ceil<Seconds>(left);
}

}  // namespace

// Empty on misuse (no salt, iterations out of range): an unsalted hash must never be produced,
// and an empty pin_hash is refused by the store and matches no code.
std::string HashPin(std::string_view pin, std::span<const std::uint8_t> salt, int iterations) {
  std::array<std::uint8_t, kHashBytes> hash{};
  if (salt.empty() || iterations < 1 || iterations > kMaxIterations) return {};
  if (!Pbkdf2(pin, salt, iterations, hash)) return {};
  return std::string(kScheme) + "$" + std::to_string(iterations) + "$" + ToHex(salt) + "$" +
         ToHex(hash);
}

bool VerifyPin(std::string_view pin, std::string_view encoded_hash) {
  const auto parsed = ParseHash(encoded_hash);
  if (!parsed) return false;
  std::array<std::uint8_t, kHashBytes> computed{};
  if (!Pbkdf2(pin, parsed->salt, parsed->iterations, computed)) return false;
  return CRYPTO_memcmp(computed.data(), parsed->hash.data(), kHashBytes) == 0;
}

std::string CheckPinFormat(std::string_view pin, int min_length) {
  if (pin.empty()) return "PIN must not be empty";
  if (!std::all_of(pin.begin(), pin.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return "PIN must contain digits only";
  }
  if (pin.size() < static_cast<std::size_t>(std::max(min_length, 0))) {
    return "PIN must be at least " + std::to_string(min_length) + " digits";
  }
  if (pin.size() > kMaxPinDigits) {
    return "PIN must be at most " + std::to_string(kMaxPinDigits) + " digits";
  }
  return {};
}

bool CodeAttempts::Idle(WallTime now) const {
  return recent_wrong.empty() && (!locked_until || *locked_until <= now) && lockouts == 0;
}

CodeAttempts& CodeCheckerState::For(const std::string& source) {
  if (source.empty()) return *this;
  return sources[source];
}

std::string LockoutSource(std::string_view command_source) {
  if (command_source == "platform") return "platform";
  // A keypad is named by Zigbee2MQTT's topic, which only Zigbee2MQTT may write (hub-local.acl).
  if (command_source.starts_with("keypad:") && command_source.size() > 7) {
    return std::string(command_source);
  }
  // A broker account's own command topic, which only that account may write; homesecd
  // subscribes only to the configured accounts' topics (local_mqtt.command_accounts).
  if (command_source.starts_with("mqtt:") && command_source.size() > 5) {
    return std::string(command_source);
  }
  return {};
}

Seconds LockoutDuration(const CodePolicy& policy, int lockouts) {
  Seconds duration = policy.lockout;
  for (int i = 0; i < lockouts && duration < policy.lockout_max; ++i) duration *= 2;
  return std::min(duration, std::max(policy.lockout, policy.lockout_max));
}

AuthResult Authenticate(std::string_view code, const std::vector<User>& users,
                        const CodePolicy& policy, WallTime now, CodeCheckerState& state,
                        const std::string& source) {
  // Forget sources with nothing left to remember; the shared one (the base) always stays.
  std::erase_if(state.sources, [&](const auto& entry) {
    const CodeAttempts& a = entry.second;
    const bool quiet = !a.last_wrong || now - *a.last_wrong >= policy.lockout_reset;
    return entry.first != source &&
           (a.Idle(now) || (quiet && (!a.locked_until || *a.locked_until <= now)));
  });
  if (!source.empty() && !state.sources.contains(source) &&
      state.sources.size() >= kMaxCodeSources) {
    state.sources.erase(state.sources.begin());
  }
  CodeAttempts& attempts = state.For(source);
  AuthResult result;
  if (attempts.locked_until && *attempts.locked_until > now) {
    result.outcome = AuthOutcome::kLockedOut;
    result.lockout_remaining = Remaining(*attempts.locked_until, now);
    return result;
  }
  if (attempts.locked_until) attempts.locked_until.reset();  // expired
  // A source quiet for lockout_reset starts again from the first, shortest lockout.
  if (attempts.last_wrong && now - *attempts.last_wrong >= policy.lockout_reset) {
    attempts.lockouts = 0;
  }

  // Check every user's hash, even after a match, so the time taken does not reveal which user
  // (or whether any) matched.
  const User* match = nullptr;
  for (const User& user : users) {
    const bool ok = VerifyPin(code, user.pin_hash);
    if (ok && match == nullptr) match = &user;
  }
  if (match != nullptr && match->role == Role::kKeyholder && !InsideKeyholderWindow(*match, now)) {
    match = nullptr;  // a keyholder code outside its window is just a wrong code
  }

  if (match != nullptr) {
    result.user = *match;
    result.outcome = match->role == Role::kDuress ? AuthOutcome::kDuress : AuthOutcome::kOk;
    // Someone at this source knows a code: the escalation starts afresh. (The wrong codes
    // inside the window still count: a valid code between guesses must not reset the count.)
    attempts.lockouts = 0;
    return result;
  }

  // Wrong code: keep only the attempts inside the window, then count this one.
  std::erase_if(attempts.recent_wrong, [&](WallTime t) { return now - t >= policy.wrong_window; });
  attempts.recent_wrong.push_back(now);
  attempts.last_wrong = now;
  result.outcome = AuthOutcome::kWrongCode;
  if (policy.max_wrong > 0 && static_cast<int>(attempts.recent_wrong.size()) >= policy.max_wrong) {
    const Seconds duration = LockoutDuration(policy, attempts.lockouts);
    attempts.locked_until = now + duration;
    attempts.recent_wrong.clear();
    ++attempts.lockouts;
    result.outcome = AuthOutcome::kLockedOut;
    result.lockout_started = true;
    result.lockout_remaining = duration;
  }
  return result;
}

bool MayDisarm(const User& user, const PanelState& state, WallTime now) {
  switch (user.role) {
    case Role::kMaster:
    case Role::kUser:
    case Role::kDuress:
      return true;
    case Role::kArmOnly:
      return false;
    case Role::kKeyholder:
      break;
  }
  if (!InsideKeyholderWindow(user, now)) return false;
  // The watch's keyholder is no configured user: a user only while the watch lasts, inside its
  // dates and daily hours.
  const std::optional<User> watch_keyholder =
      state.watch ? state.watch->KeyholderUser() : std::nullopt;
  if (watch_keyholder && *watch_keyholder == user) return state.watch->IsKeyholderCodeValid(now);
  return true;
}

std::optional<User> DuressImitation(const std::vector<User>& users, const CodePolicy& policy) {
  const User* named = nullptr;
  const User* master = nullptr;
  const User* other = nullptr;
  for (const User& user : users) {
    // Only a user whose own code disarms at any time can be imitated convincingly.
    if (user.role != Role::kMaster && user.role != Role::kUser) continue;
    if (!policy.duress_imitates.empty() && user.name == policy.duress_imitates) named = &user;
    if (user.role == Role::kMaster && (master == nullptr || user.number < master->number)) {
      master = &user;
    }
    if (other == nullptr || user.number < other->number) other = &user;
  }
  const User* chosen = named != nullptr ? named : master != nullptr ? master : other;
  if (chosen == nullptr) return std::nullopt;
  return *chosen;
}

}  // namespace homesec
