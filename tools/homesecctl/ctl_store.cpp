// homesecctl commands that work on the database directly, so that an installer can add the
// first user before homesecd ever ran: user add / list / remove (events: ctl_events.cpp). homesecd
// notices user changes through PRAGMA data_version.
#include <iostream>
#include <set>

#include "rules/codes.hpp"
#include "store/store.hpp"
#include "tools/homesecctl/ctl.hpp"
#include "tools/homesecctl/format.hpp"

namespace homesec::ctl {

std::unique_ptr<Store> OpenStore(const AppConfig& config) {
  std::string error;
  std::unique_ptr<Store> store = Store::Open(config.storage.path, &error);
  if (!store) {
    std::cerr << "homesecctl: cannot open the database " << config.storage.path << ": " << error
              << "\n(run as the homesec user or root)\n";
  }
  return store;
}

namespace {

int Failed(const std::string& what, const std::string& error) {
  std::cerr << "homesecctl: " << what << ": " << error << "\n";
  return kExitUsage;
}

// The lowest Contact ID user number not taken (numbers are reported to the platform with every
// arming and disarming, so an existing user keeps theirs).
int FreeUserNumber(const std::vector<User>& users) {
  std::set<int> taken;
  for (const User& user : users) taken.insert(user.number);
  int number = 1;
  while (taken.contains(number)) ++number;
  return number;
}

}  // namespace

int RunUserList(const CtlArgs& args, const AppConfig& config) {
  const std::unique_ptr<Store> store = OpenStore(config);
  if (!store) return kExitUsage;
  std::string error;
  const std::vector<User> users = store->Users(&error);
  if (!error.empty()) return Failed("read users", error);
  if (args.json) {
    std::cout << UsersToJson(users).dump(2) << "\n";
  } else {
    std::cout << FormatUsers(users);
  }
  return kExitOk;
}

int RunUserAdd(const CtlArgs& args, const AppConfig& config) {
  const std::unique_ptr<Store> store = OpenStore(config);
  if (!store) return kExitUsage;
  std::string error;
  const std::vector<User> users = store->Users(&error);
  if (!error.empty()) return Failed("read users", error);
  const User* existing = nullptr;
  for (const User& user : users) {
    if (user.name == args.user_name) existing = &user;
  }
  if (existing != nullptr && !args.replace) {
    std::cerr << "homesecctl: user '" << args.user_name
              << "' already exists (use --replace to change their role or PIN)\n";
    return kExitRefused;
  }

  const std::optional<std::string> pin =
      ReadPin("PIN for " + args.user_name + ": ", args.pin_stdin, /*confirm=*/true, &error);
  if (!pin) return Failed("user add", error);
  if (const std::string problem = CheckPinFormat(*pin, config.panel.codes.min_length);
      !problem.empty()) {
    std::cerr << "homesecctl: " << problem << "\n";
    return kExitRefused;
  }
  // Two users with one PIN would make the keypad unable to tell who disarmed (or whether it
  // was the duress code).
  for (const User& user : users) {
    if (user.name != args.user_name && VerifyPin(*pin, user.pin_hash)) {
      std::cerr << "homesecctl: that PIN is already in use; choose another\n";
      return kExitRefused;
    }
  }

  std::uint8_t salt[16] = {};
  if (!RandomBytes(salt)) return Failed("user add", "no randomness for the PIN salt");
  User user;
  user.name = args.user_name;
  user.number = existing != nullptr ? existing->number : FreeUserNumber(users);
  user.role = args.role;
  user.pin_hash = HashPin(*pin, salt);
  user.valid_from = args.valid_from;
  user.valid_until = args.valid_until;
  if (!store->UpsertUser(user, &error)) return Failed("user add", error);

  if (args.json) {
    std::cout << UsersToJson({user})[0].dump(2) << "\n";
  } else {
    std::cout << (existing != nullptr ? "updated" : "added") << " user " << user.name << " (number "
              << user.number << ", role " << ToString(user.role) << ")\n";
  }
  return kExitOk;
}

int RunUserRemove(const CtlArgs& args, const AppConfig& config) {
  const std::unique_ptr<Store> store = OpenStore(config);
  if (!store) return kExitUsage;
  std::string error;
  if (!store->RemoveUser(args.user_name, &error)) {
    std::cerr << "homesecctl: " << error << "\n";
    return kExitRefused;
  }
  if (args.json) {
    std::cout << nlohmann::json{{"removed", args.user_name}}.dump(2) << "\n";
  } else {
    std::cout << "removed user " << args.user_name << "\n";
  }
  return kExitOk;
}

}  // namespace homesec::ctl
