// Parsing of local commands and the JSON shape of their results (docs/protocol.md).
#include "daemon/local_command.hpp"

namespace homesec {
namespace {

LocalCommandParse Refuse(std::string message, std::string request_id = "",
                         std::optional<CommandAction> action = std::nullopt) {
  CommandResult result;
  result.request_id = std::move(request_id);
  result.source = "mqtt";
  if (action) result.action = *action;
  result.accepted = false;
  result.reason = "invalid_request";
  result.message = std::move(message);
  return LocalCommandParse{std::nullopt, result};
}

std::string Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return "";
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

LocalCommandParse ParseJsonCommand(const nlohmann::json& json) {
  std::string request_id;
  if (const auto it = json.find("request_id"); it != json.end()) {
    if (!it->is_string()) return Refuse("\"request_id\" must be a string");
    request_id = it->get<std::string>();
  }
  const auto action_it = json.find("action");
  if (action_it == json.end() || !action_it->is_string()) {
    return Refuse("\"action\" is missing or not a string", request_id);
  }
  const std::string action_text = action_it->get<std::string>();
  const std::optional<CommandAction> action = ParseCommandAction(action_text);
  if (!action) return Refuse("unknown action '" + action_text + "'", request_id);
  Command command;
  command.action = *action;
  command.source = "mqtt";
  command.request_id = request_id;
  if (const auto it = json.find("code"); it != json.end() && !it->is_null()) {
    // A number would have lost its leading zeros on the way: PINs are strings.
    if (!it->is_string()) return Refuse("\"code\" must be a string", request_id, action);
    if (!it->get<std::string>().empty()) command.code = it->get<std::string>();
  }
  if (const auto it = json.find("force"); it != json.end()) {
    if (!it->is_boolean()) return Refuse("\"force\" must be true or false", request_id, action);
    command.force = it->get<bool>();
  }
  return LocalCommandParse{command, std::nullopt};
}

}  // namespace

LocalCommandParse ParseLocalCommand(std::string_view payload, bool retained) {
  if (retained) {
    return Refuse("retained command ignored: commands must be published without retain");
  }
  if (payload.size() > kMaxCommandBytes) {
    return Refuse("command larger than " + std::to_string(kMaxCommandBytes) + " bytes");
  }
  const std::string text = Trim(payload);
  if (text.empty()) return Refuse("empty command");
  if (text.front() == '{') {
    const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object()) return Refuse("command is not valid JSON");
    return ParseJsonCommand(json);
  }
  const std::optional<CommandAction> action = ParseCommandAction(text);
  if (!action) {
    return Refuse("unknown command '" + text.substr(0, 64) +
                  "' (expected ARM_AWAY, ARM_HOME, ARM_NIGHT, ARM_VACATION, DISARM, TRIGGER or "
                  "JSON {\"action\": ..., \"code\": ...})");
  }
  Command command;
  command.action = *action;
  command.source = "mqtt";
  return LocalCommandParse{command, std::nullopt};
}

nlohmann::json CommandResultToJson(const CommandResult& result) {
  return nlohmann::json{{"request_id", result.request_id},
                        {"action", std::string(ToString(result.action))},
                        {"accepted", result.accepted},
                        {"reason", result.reason},
                        {"message", result.message},
                        {"open_zones", result.open_zones},
                        {"user", result.user}};
}

}  // namespace homesec
