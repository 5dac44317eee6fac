// Config sections for the hub's identity and its connections: "hub", "storage", "local_mqtt"
// and "uplink" (with its TLS files, which are checked here so that a missing certificate is a
// config error at install time rather than a silent reconnect loop at alarm time).
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "daemon/config_sections.hpp"
#include "rules/json_limits.hpp"

namespace homesec {
namespace {

void ReadTls(const nlohmann::json& value, const std::string& path, ConfigErrors& errors,
             TlsConfig& out) {
  ObjectReader reader(value, path, errors, {"ca", "cert", "key"});
  if (!reader.ok()) return;
  const struct {
    const char* key;
    std::string* field;
  } files[] = {{"ca", &out.ca}, {"cert", &out.cert}, {"key", &out.key}};
  for (const auto& file : files) {
    if (!reader.String(file.key, *file.field, /*required=*/true)) continue;
    if (file.field->empty()) {
      errors.Add(reader.PathOf(file.key), "empty file name");
    } else if (::access(file.field->c_str(), R_OK) != 0) {
      const bool exists = ::access(file.field->c_str(), F_OK) == 0;
      errors.Add(reader.PathOf(file.key),
                 (exists ? "file not readable: " : "file not found: ") + *file.field,
                 exists ? "the daemon runs as user 'homesec': make the file readable to it "
                          "(chgrp homesec, chmod 640)"
                        : "give the full path of the PEM file; relative paths are resolved from "
                          "the daemon's working directory");
    }
  }
}

// Fields shared by both brokers.
void ReadBroker(ObjectReader& reader, ConfigErrors& errors, BrokerConfig& out) {
  if (reader.String("host", out.host) && out.host.empty()) {
    errors.Add(reader.PathOf("host"), "empty host name");
  }
  reader.Int("port", out.port, 1, 65535);
  reader.String("username", out.username);
  reader.String("password", out.password);
  reader.Duration("keepalive_s", out.keepalive, 5, 3600);
  reader.String("client_id", out.client_id);
  if (const nlohmann::json* tls = reader.Get("tls")) {
    TlsConfig config;
    ReadTls(*tls, reader.PathOf("tls"), errors, config);
    out.tls = config;
  }
}

// Plain MQTT is acceptable only where nothing crosses a network: the loopback interface.
bool IsLoopbackHost(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]" || host.ends_with(".localhost")) {
    return true;
  }
  // 127.0.0.0/8, written as a dotted quad.
  unsigned a = 0, b = 0, c = 0, d = 0;
  char rest = 0;
  return std::sscanf(host.c_str(), "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &rest) == 4 && a == 127 &&
         b < 256 && c < 256 && d < 256;
}

}  // namespace

bool IsValidId(std::string_view id) {
  if (id.empty()) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void CheckId(const std::string& id, const std::string& path, ConfigErrors& errors) {
  if (id.empty()) {
    errors.Add(path, "empty id");
  } else if (!IsValidId(id)) {
    errors.Add(path, "invalid id '" + id + "'",
               "use only letters, digits, '_' and '-': ids become MQTT topic levels and event "
               "ids");
  }
}

void ReadHub(const nlohmann::json* hub, ConfigErrors& errors, HubConfig& out) {
  if (hub == nullptr) {
    errors.Add("hub", "missing (required)",
               R"(e.g. "hub": {"id": "shinan-xianyou-0042", "district": "qd-shinan"})");
    return;
  }
  ObjectReader reader(*hub, "hub", errors, {"id", "district", "name"});
  if (!reader.ok()) return;
  if (reader.String("id", out.id, /*required=*/true)) CheckId(out.id, "hub.id", errors);
  if (reader.String("district", out.district) && !out.district.empty()) {
    CheckId(out.district, "hub.district", errors);
  }
  reader.String("name", out.name);
}

void ReadStorage(const nlohmann::json* storage, ConfigErrors& errors, StorageConfig& out) {
  if (storage == nullptr) return;
  ObjectReader reader(*storage, "storage", errors, {"path", "journal_days"});
  if (reader.String("path", out.path) && out.path.empty()) {
    errors.Add("storage.path", "empty path", "default: /var/lib/homesec/homesec.db");
  }
  reader.Int("journal_days", out.journal_days, 1, 3650);
}

// An account name is one topic level that the broker's ACL names: letters, digits, '_', '-' and
// '.'; "result" is the level homesecd answers on.
bool IsAccountName(const std::string& name) {
  if (name.empty() || name.size() > 64 || name == "result") return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

void ReadCommandAccounts(ObjectReader& reader, ConfigErrors& errors, LocalMqttConfig& out) {
  const char* const hint =
      "broker account names (letters, digits, '_', '-', '.'; not \"result\"), e.g. "
      "[\"homeassistant\", \"homesecctl\"]: each gets <topic_prefix>/command/<account>";
  if (const nlohmann::json* accounts = reader.Get("command_accounts"); accounts != nullptr) {
    const std::string path = reader.PathOf("command_accounts");
    if (!accounts->is_array()) {
      errors.Add(path, "expected a list, got " + JsonTypeName(*accounts), hint);
    } else if (accounts->size() > kMaxCommandAccounts) {
      errors.Add(path, "more than " + std::to_string(kMaxCommandAccounts) + " accounts", hint);
    } else {
      std::vector<std::string> names;
      for (std::size_t i = 0; i < accounts->size(); ++i) {
        const nlohmann::json& name = (*accounts)[i];
        if (!name.is_string() || !IsAccountName(name.get<std::string>())) {
          errors.Add(IndexPath(path, i), "invalid account name " + DumpJson(name), hint);
        } else if (std::find(names.begin(), names.end(), name.get<std::string>()) != names.end()) {
          errors.Add(IndexPath(path, i), "account '" + name.get<std::string>() + "' listed twice");
        } else {
          names.push_back(name.get<std::string>());
        }
      }
      out.command_accounts = std::move(names);
    }
  }
  reader.String("home_assistant_account", out.home_assistant_account);
  const std::string& ha = out.home_assistant_account;
  if (!ha.empty() && std::find(out.command_accounts.begin(), out.command_accounts.end(), ha) ==
                         out.command_accounts.end()) {
    errors.Add(reader.PathOf("home_assistant_account"),
               "account '" + ha + "' is not in local_mqtt.command_accounts",
               "add it there (and a 'topic write <topic_prefix>/command/" + ha +
                   "' line for it to the broker's ACL), or set \"\" for the shared command topic");
  }
}

void ReadLocalMqtt(const nlohmann::json* local_mqtt, const HubConfig& hub, ConfigErrors& errors,
                   LocalMqttConfig& out) {
  if (local_mqtt != nullptr) {
    ObjectReader reader(*local_mqtt, "local_mqtt", errors,
                        {"host", "port", "username", "password", "tls", "keepalive_s", "client_id",
                         "zigbee2mqtt_base", "topic_prefix", "discovery_prefix", "discovery",
                         "command_accounts", "home_assistant_account"});
    if (reader.ok()) {
      ReadBroker(reader, errors, out.broker);
      ReadCommandAccounts(reader, errors, out);
      reader.String("zigbee2mqtt_base", out.zigbee2mqtt_base);
      reader.String("topic_prefix", out.topic_prefix);
      reader.String("discovery_prefix", out.discovery_prefix);
      reader.Bool("discovery", out.discovery);
      for (const char* key : {"zigbee2mqtt_base", "topic_prefix", "discovery_prefix"}) {
        const nlohmann::json* value = reader.Get(key);
        if (value == nullptr || !value->is_string()) continue;
        const std::string topic = value->get<std::string>();
        if (topic.empty() || topic.find_first_of("+#") != std::string::npos ||
            topic.back() == '/') {
          errors.Add(reader.PathOf(key), "invalid topic prefix '" + topic + "'",
                     "a non-empty MQTT topic without wildcards or a trailing '/'");
        }
      }
    }
  }
  if (out.topic_prefix.empty() && !hub.id.empty()) out.topic_prefix = "homesec/" + hub.id;
  if (out.broker.client_id.empty() && !hub.id.empty()) {
    out.broker.client_id = "homesecd-" + hub.id;
  }
}

void ReadUplink(const nlohmann::json* uplink, const HubConfig& hub, ConfigErrors& errors,
                UplinkConfig& out) {
  if (uplink == nullptr) {
    errors.Add("uplink", "missing (required)",
               R"(the district platform broker, e.g. "uplink": {"host": "platform.example", )"
               R"("port": 8883, "tls": {...}}; write "uplink": {"enabled": false} for a hub )"
               "that reports to no platform");
    return;
  }
  ObjectReader reader(*uplink, "uplink", errors,
                      {"enabled", "host", "port", "username", "password", "tls", "keepalive_s",
                       "client_id", "prefix", "heartbeat_s", "max_inflight", "insecure"});
  if (!reader.ok()) return;
  reader.Bool("enabled", out.enabled);
  bool insecure = false;
  reader.Bool("insecure", insecure);
  out.broker.port = reader.Has("tls") ? 8883 : 1883;
  ReadBroker(reader, errors, out.broker);
  if (out.enabled && !reader.Has("host")) {
    errors.Add("uplink.host", "missing (required)",
               "the district platform's MQTT broker host name");
  }
  if (reader.String("prefix", out.prefix) &&
      (out.prefix.empty() || out.prefix.find_first_of("+#") != std::string::npos ||
       out.prefix.back() == '/')) {
    errors.Add("uplink.prefix", "invalid topic prefix '" + out.prefix + "'", "default: homesec/v1");
  }
  reader.Duration("heartbeat_s", out.heartbeat, 5, 86400);
  reader.Int("max_inflight", out.max_inflight, 1, 1000);
  // The uplink topics are <prefix>/<district>/<hub>/...: without a district they would not
  // match the platform's ACLs.
  if (out.enabled && !hub.id.empty() && hub.district.empty()) {
    errors.Add("hub.district", "missing (required when the uplink is enabled)",
               "the district id the platform knows this hub under, e.g. \"qd-shinan\"");
  }
  // Alarms, acks and the platform's commands must not cross a network in clear, nor reach a
  // broker that has not proven who it is (docs/security.md).
  if (out.enabled && !out.broker.tls && !out.broker.host.empty() &&
      !IsLoopbackHost(out.broker.host) && !insecure) {
    errors.Add("uplink.tls", "missing: the uplink to '" + out.broker.host + "' would be plain MQTT",
               R"(give "tls": {"ca": ..., "cert": ..., "key": ...} with the district CA and this )"
               R"(hub's certificate; for a test network only, write "insecure": true)");
  }
  // The district broker takes the client certificate's CN (the hub id) as the client id
  // (packaging/mosquitto/district.conf: use_username_as_clientid).
  if (out.broker.client_id.empty() && !hub.id.empty()) out.broker.client_id = hub.id;
}

}  // namespace homesec
