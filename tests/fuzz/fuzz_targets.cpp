// The table of fuzz targets: one name per parser, used by the replay suite and matching
// tests/fuzz/targets/<name>.cpp (scripts/fuzz runs those).
#include "tests/fuzz/fuzz_targets.hpp"

namespace homesec::fuzz {

const std::vector<FuzzTarget>& AllTargets() {
  static const std::vector<FuzzTarget> targets = {
      {"zigbee2mqtt_decoder", FuzzZigbeeDecoder},
      {"local_command", FuzzLocalCommand},
      {"uplink_ack", FuzzUplinkAck},
      {"uplink_command", FuzzUplinkCommand},
      {"config", FuzzConfig},
      {"panel_restore", FuzzPanelRestore},
      {"journal_row", FuzzJournalRow},
      {"watch_restore", FuzzWatchRestore},
      {"event_json", FuzzEventJson},
      {"ctl_protocol", FuzzCtlProtocol},
      {"ctl_args", FuzzCtlArgs},
      {"rfc3339", FuzzRfc3339},
      {"local_time", FuzzLocalTime},
      {"pin_hash", FuzzPinHash},
      {"json_text", FuzzJsonText},
      {"local_retained", FuzzLocalRetained},
  };
  return targets;
}

}  // namespace homesec::fuzz
