// Config sections for the panel's policy: "modes" (exit delay, entry delay and siren time per
// armed mode) and "codes" (PIN length, wrong-code lockout, whether arming and bypassing need a
// code).
#include <algorithm>

#include "daemon/config_sections.hpp"

namespace homesec {
namespace {

// EN 50131-1 (grade 2): the entry delay must not exceed 45 s; installations that need longer
// (a long drive, a disabled resident) must say so explicitly.
constexpr int kMaxEntryDelayS = 45;
constexpr int kMaxLongEntryDelayS = 600;

}  // namespace

const std::vector<std::string>& ArmedModeNames() {
  static const std::vector<std::string> names{"armed_home", "armed_night", "armed_away",
                                              "armed_vacation"};
  return names;
}

void ReadModes(const nlohmann::json* modes, bool allow_long_entry_delay, ConfigErrors& errors,
               std::map<Mode, ModeTiming>& out) {
  // Only configured modes get an entry: PanelConfig::TimingFor supplies the defaults (and lets
  // armed_vacation inherit armed_away's timing).
  if (modes == nullptr) return;
  ObjectReader reader(*modes, "modes", errors,
                      {"armed_home", "armed_night", "armed_away", "armed_vacation"});
  if (!reader.ok()) return;
  for (const std::string& name : ArmedModeNames()) {
    const nlohmann::json* value = reader.Get(name);
    if (value == nullptr) continue;
    ModeTiming& timing = out[*ParseMode(name)];
    ObjectReader mode(*value, reader.PathOf(name), errors,
                      {"exit_delay_s", "entry_delay_s", "siren_s"});
    mode.Duration("exit_delay_s", timing.exit_delay, 0, 600);
    int entry_delay_s = 0;
    if (mode.Int("entry_delay_s", entry_delay_s, 0, kMaxLongEntryDelayS)) {
      if (entry_delay_s > kMaxEntryDelayS && !allow_long_entry_delay) {
        errors.Add(mode.PathOf("entry_delay_s"),
                   "entry delay of " + std::to_string(entry_delay_s) + " s is longer than 45 s",
                   "EN 50131-1 allows at most 45 s; set \"allow_long_entry_delay\": true if this "
                   "installation really needs it");
      } else {
        timing.entry_delay = Seconds{entry_delay_s};
      }
    }
    // EN 50131-4 / most local rules: an external siren sounds 90 s to 15 min; 0 = silent mode.
    mode.Duration("siren_s", timing.siren, 0, 900);
  }
}

void ReadCodes(const nlohmann::json* codes, ConfigErrors& errors, CodePolicy& out) {
  if (codes == nullptr) return;
  ObjectReader reader(
      *codes, "codes", errors,
      {"min_length", "max_wrong", "wrong_window_s", "lockout_s", "lockout_max_s", "lockout_reset_s",
       "code_required_to_arm", "code_required_to_bypass", "duress_imitates"});
  if (!reader.ok()) return;
  // EN 50131-1 grade 2 asks for at least 10 000 combinations: four digits.
  reader.Int("min_length", out.min_length, 4, 12);
  reader.Int("max_wrong", out.max_wrong, 1, 50);
  reader.Duration("wrong_window_s", out.wrong_window, 10, 86400);
  // EN 50131-1 grade 2: at most 10 wrong codes, then code entry disabled for at least 90 s.
  // homesec locks the source out after max_wrong (default 5) for lockout_s (default 90 s),
  // doubling for each further lockout in a row up to lockout_max_s (default 1 h).
  if (reader.Duration("lockout_s", out.lockout, 10, 86400) && !reader.Has("lockout_max_s")) {
    out.lockout_max = std::max(out.lockout_max, out.lockout);
  }
  if (reader.Duration("lockout_max_s", out.lockout_max, 10, 86400) &&
      out.lockout_max < out.lockout) {
    errors.Add(reader.PathOf("lockout_max_s"),
               "shorter than lockout_s (" + std::to_string(out.lockout.count()) + " s)",
               "the lockout doubles from lockout_s up to lockout_max_s; set them equal for a "
               "fixed lockout");
  }
  reader.Duration("lockout_reset_s", out.lockout_reset, 60, 30 * 86400);
  reader.Bool("code_required_to_arm", out.code_required_to_arm);
  reader.Bool("code_required_to_bypass", out.code_required_to_bypass);
  reader.String("duress_imitates", out.duress_imitates);
}

}  // namespace homesec
