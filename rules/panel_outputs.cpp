// The outputs besides the siren (panel_events.cpp): the strobe latched by an audible alarm, the
// deterrent ("electronic dog") that follows the entry delay and the siren, the door and water
// leak chimes, and the arm/disarm squawk. Patterns and their reasons: docs/devices.md.
#include <algorithm>

#include "rules/panel_engine.hpp"

namespace homesec {

void PanelEngine::StrobeOn() {
  if (state_.strobe_on) return;
  state_.strobe_on = true;
  out_.push_back(SetOutput{OutputKind::kStrobe, OutputPattern::kSteady, state_.siren_reason});
}

OutputPattern PanelEngine::DeterrentWanted() const {
  const bool sounding = state_.siren_deadline && *state_.siren_deadline > now_.mono;
  // Not for fire: people must recognise the fire signal and leave, and a barking dog masks it.
  if (sounding && state_.siren_reason != SirenReason::kFire) return OutputPattern::kSteady;
  // The entry delay is the pre-alarm: whoever came in hears a dog until the code is entered
  // (Ajax sirens' "beep on entry delay" does the same with a chirp).
  if (state_.mode == Mode::kPending) return OutputPattern::kPulsed;
  return OutputPattern::kOff;
}

void PanelEngine::SyncDeterrent() {
  const OutputPattern wanted = DeterrentWanted();
  if (wanted == state_.deterrent_shown) return;
  state_.deterrent_shown = wanted;
  // Bounded by the timer it follows, so that a lost "off" never leaves it barking for good.
  std::optional<MonoTime> until;
  if (wanted == OutputPattern::kSteady) until = state_.siren_deadline;
  if (wanted == OutputPattern::kPulsed) until = state_.entry_deadline;
  Seconds duration{0};
  if (until && *until > now_.mono) duration = std::chrono::ceil<Seconds>(*until - now_.mono);
  out_.push_back(SetOutput{OutputKind::kDeterrent, wanted, state_.siren_reason, duration});
}

void PanelEngine::DoorChime() {
  // A leak chime is already sounding: a door chime would cut it short.
  if (state_.leak_chime_deadline) return;
  out_.push_back(
      SetOutput{OutputKind::kChime, OutputPattern::kPulsed, SirenReason::kBurglar, config_.chime});
}

void PanelEngine::LeakChimeOn() {
  // The siren time of the mode bounds it, as it bounds the siren (EN 50131-4); a silent
  // installation (siren time 0) still gets the door chime's length.
  const Seconds duration = std::max(config_.TimingFor(state_.armed_mode).siren, config_.chime);
  state_.leak_chime_deadline = now_.mono + duration;
  out_.push_back(
      SetOutput{OutputKind::kChime, OutputPattern::kPulsed, SirenReason::kEmergency, duration});
}

void PanelEngine::LeakChimeOff() {
  if (!state_.leak_chime_deadline) return;
  state_.leak_chime_deadline.reset();
  out_.push_back(SetOutput{OutputKind::kChime, OutputPattern::kOff, SirenReason::kEmergency});
}

void PanelEngine::LeakZoneNormal() {
  if (!state_.leak_chime_deadline) return;
  for (const ZoneConfig& zone : config_.zones) {
    if (zone.type != ZoneType::kWater24h) continue;
    const auto it = state_.zones.find(zone.id);
    if (it != state_.zones.end() && it->second.active == true) return;  // another one is wet
  }
  LeakChimeOff();
}

bool PanelEngine::AlarmOutputsLatched() const {
  return state_.strobe_on || state_.leak_chime_deadline.has_value();
}

void PanelEngine::StopLatchedOutputs() {
  if (state_.strobe_on) {
    state_.strobe_on = false;
    out_.push_back(SetOutput{OutputKind::kStrobe, OutputPattern::kOff, state_.siren_reason});
  }
  LeakChimeOff();
}

void PanelEngine::EmitSquawk(bool armed) {
  // Built in place: GCC 12 at -O3 reads a moved-from temporary variant as the other alternatives'
  // uninitialised members (-Wmaybe-uninitialized); there is no temporary to move here.
  out_.emplace_back(std::in_place_type<Squawk>, Squawk{armed});
}

void PanelEngine::ResumeOutputs() {
  if (state_.strobe_on) {
    out_.push_back(SetOutput{OutputKind::kStrobe, OutputPattern::kSteady, state_.siren_reason});
  }
  if (state_.leak_chime_deadline && *state_.leak_chime_deadline > now_.mono) {
    out_.push_back(SetOutput{OutputKind::kChime, OutputPattern::kPulsed, SirenReason::kEmergency,
                             std::chrono::ceil<Seconds>(*state_.leak_chime_deadline - now_.mono)});
  }
  state_.deterrent_shown = OutputPattern::kOff;  // the driver starts with everything off
  SyncDeterrent();
}

}  // namespace homesec
