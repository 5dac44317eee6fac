// GPIO outputs (siren relay, strobe, the "electronic dog" deterrent, chime) driven by the
// panel's SetOutput actions. Passive like GpioInputs: the loop asks for the next deadline and
// calls OnTick, which steps pulsed patterns and switches outputs off when their duration ends.
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

  // Everything off (disarm).
  void AllOff(std::vector<std::string>* errors = nullptr);

  // The next pattern step or duration end; nullopt when nothing is scheduled.
  std::optional<MonoTime> NextDeadline() const;
  void OnTick(Now now, std::vector<std::string>* errors = nullptr);

  // The logical level an output is driven to now (false for unknown ids).
  bool IsOn(const std::string& output_id) const;
  // The pattern an output is running (kOff when idle or unknown).
  OutputPattern PatternOf(const std::string& output_id) const;

 private:
  struct Output {
    OutputConfig cfg;
    LineBackend* backend = nullptr;
    int handle = -1;
    OutputPattern pattern = OutputPattern::kOff;
    bool on = false;
    std::optional<MonoTime> next_toggle;
    std::optional<MonoTime> ends;
  };

  void Drive(Output& out, bool on, std::vector<std::string>* errors);
  void Stop(Output& out, std::vector<std::string>* errors);

  std::string consumer_;
  BackendFactory factory_;
  std::map<std::string, std::unique_ptr<LineBackend>> backends_;  // by chip
  std::map<std::string, Output> outputs_;                         // by output id
};

}  // namespace homesec
