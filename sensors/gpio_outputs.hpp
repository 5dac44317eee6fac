// GPIO outputs (siren relay, strobe, the "electronic dog" deterrent, chime) driven by the
// panel's SetOutput and Squawk actions. Passive like GpioInputs: the loop asks for the next
// deadline and calls OnTick, which steps pulsed patterns and squawk chirps and switches outputs
// off when their duration ends.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rules/time.hpp"
#include "rules/types.hpp"
#include "sensors/line_backend.hpp"
#include "sensors/source_config.hpp"

namespace homesec {

// Pulsed pattern cadence: chime and the deterrent's bark pattern.
inline constexpr Millis kPulseOn{500};
inline constexpr Millis kPulseOff{500};
// The arm/disarm squawk: one chirp armed, two disarmed (DSC's "bell squawk" convention), each
// short enough to be a chirp on a 12 V siren, the gap long enough to hear two.
inline constexpr Millis kSquawkOn{100};
inline constexpr Millis kSquawkGap{200};

class GpioOutputs {
 public:
  explicit GpioOutputs(std::string consumer = "homesecd", BackendFactory factory = MakeBackendFor);
  ~GpioOutputs();
  GpioOutputs(const GpioOutputs&) = delete;
  GpioOutputs& operator=(const GpioOutputs&) = delete;

  // Requests the line of every output whose driver is kGpio (others are ignored), initially
  // off. Failures go to `errors` (naming output, chip and line). True when all opened.
  bool Open(const std::vector<OutputConfig>& outputs, std::vector<std::string>* errors);

  // Applies the action to every GPIO output whose kind matches (OutputConfig::kind equals
  // ToString(action.kind)): off, steady on, or pulsed kPulseOn/kPulseOff; with a non-zero
  // duration the output goes off at now + duration. Drive errors go to `errors` when given.
  void Apply(const SetOutput& action, Now now, std::vector<std::string>* errors = nullptr);

  // The arm/disarm chirp on every output configured with OutputConfig::squawk whose kind is
  // siren or chime: one kSquawkOn pulse when `armed`, two kSquawkGap apart when not. An output
  // sounding a pattern is left alone (the chirp would cut the alarm or the chime short); an
  // Apply() that switches the output on ends a chirp, an off for an idle output does not.
  void Squawk(bool armed, Now now, std::vector<std::string>* errors = nullptr);

  // Everything off, chirps included (shutdown; the destructor does it too, so that a line the
  // kernel releases was last driven inactive).
  void AllOff(std::vector<std::string>* errors = nullptr);

  // The next pattern step or duration end; nullopt when nothing is scheduled.
  std::optional<MonoTime> NextDeadline() const;
  void OnTick(Now now, std::vector<std::string>* errors = nullptr);

  // The logical level an output is driven to now (false for unknown ids).
  bool IsOn(const std::string& output_id) const;
  // The pattern an output is running (kOff when idle or unknown).
  OutputPattern PatternOf(const std::string& output_id) const;
  // Whether an output is in the middle of a squawk.
  bool IsSquawking(const std::string& output_id) const;

 private:
  struct Output {
    OutputConfig cfg;
    LineBackend* backend = nullptr;
    int handle = -1;
    OutputPattern pattern = OutputPattern::kOff;
    bool on = false;
    std::optional<MonoTime> next_toggle;
    std::optional<MonoTime> ends;
    // A squawk in progress: the next chirp edge and how many edges are left after it.
    std::optional<MonoTime> chirp_toggle;
    int chirp_edges = 0;
  };

  void Drive(Output& out, bool on, std::vector<std::string>* errors);
  void Stop(Output& out, std::vector<std::string>* errors);

  std::string consumer_;
  BackendFactory factory_;
  std::map<std::string, std::unique_ptr<LineBackend>> backends_;  // by chip
  std::map<std::string, Output> outputs_;                         // by output id
};

}  // namespace homesec
