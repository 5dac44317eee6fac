// The bodies of the libFuzzer targets (tests/fuzz/targets/*.cpp wrap one each) and the table the
// replay suite walks. Each function feeds one input to one parser the way the daemon (or
// homesecctl) would, then does with the result what the shell does with it: hands it to the
// panel, serialises the replies, events and snapshots it would publish or store. Nothing here
// catches exceptions: an exception escaping a parser is a crash, as it would be in the daemon.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace homesec::fuzz {

using FuzzFunction = void (*)(const std::uint8_t* data, std::size_t size);

// Zigbee2MQTT in: "<topic>\n<payload>" (up to 8 of them separated by NUL bytes), each decoded
// live and then as a retained replay; readings and keypad requests go on to the panel.
void FuzzZigbeeDecoder(const std::uint8_t* data, std::size_t size);
// <topic_prefix>/command payloads (ParseLocalCommand), then the panel and the published result.
void FuzzLocalCommand(const std::uint8_t* data, std::size_t size);
// Uplink .../ack payloads: the watch ack, then the platform ack, as Uplink::HandleAck tries them.
void FuzzUplinkAck(const std::uint8_t* data, std::size_t size);
// Uplink .../command payloads (ParsePlatformCommand: status request, siren silence, patrol
// check-in, note).
void FuzzUplinkCommand(const std::uint8_t* data, std::size_t size);
// The config file (ParseConfigText), then what the daemon builds from a valid one.
void FuzzConfig(const std::uint8_t* data, std::size_t size);
// A stored panel snapshot (Panel::Restore), then start, a tick and the next snapshot.
void FuzzPanelRestore(const std::uint8_t* data, std::size_t size);
// A stored vacant-house watch snapshot (VacantWatch::Restore).
void FuzzWatchRestore(const std::uint8_t* data, std::size_t size);
// An event from the store's event log (EventFromJson) and its serialisations.
void FuzzEventJson(const std::uint8_t* data, std::size_t size);
// homesecctl: its command reply ("<payload>") and status topics ("<topic>\n<payload>").
void FuzzCtlProtocol(const std::uint8_t* data, std::size_t size);
// homesecctl's command line: arguments separated by '\n'.
void FuzzCtlArgs(const std::uint8_t* data, std::size_t size);
// RFC 3339 times (ParseRfc3339) and the round trip through FormatRfc3339.
void FuzzRfc3339(const std::uint8_t* data, std::size_t size);
// POSIX TZ rules (ParseTimeZoneRule), local-time conversions, keyholder daily hours.
void FuzzLocalTime(const std::uint8_t* data, std::size_t size);
// PIN hashes as stored ("<pin>\n<encoded hash>"): VerifyPin, CheckPinFormat.
void FuzzPinHash(const std::uint8_t* data, std::size_t size);
// JSON within limits (ParseJsonWithin) and the UTF-8 text helpers.
void FuzzJsonText(const std::uint8_t* data, std::size_t size);
// Input journal rows read back by explain / dry-run ("<kind>\n<body>", kind "config" for a
// stored config): ParseJournalRow / PanelConfigFromJson, then the panel.
void FuzzJournalRow(const std::uint8_t* data, std::size_t size);
// Retained local topics read back at connect ("<topic>\n<payload>"): IsOwnDiscovery.
void FuzzLocalRetained(const std::uint8_t* data, std::size_t size);

struct FuzzTarget {
  std::string_view name;  // tests/fuzz/targets/<name>.cpp, seeds/<name>/, tests/data/fuzz/<name>/
  FuzzFunction function;
};
const std::vector<FuzzTarget>& AllTargets();

}  // namespace homesec::fuzz
