// GPIO outputs: steady and pulsed patterns, timed switch-off, the arm/disarm squawk, all-off at
// shutdown.
#include "sensors/gpio_outputs.hpp"

namespace homesec {

GpioOutputs::GpioOutputs(std::string consumer, BackendFactory factory)
    : consumer_(std::move(consumer)), factory_(std::move(factory)) {}

GpioOutputs::~GpioOutputs() {
  AllOff();
}

bool GpioOutputs::Open(const std::vector<OutputConfig>& outputs, std::vector<std::string>* errors) {
  bool all_ok = true;
  for (const OutputConfig& cfg : outputs) {
    if (cfg.driver != OutputDriver::kGpio) continue;
    if (!cfg.gpio) {
      errors->push_back(cfg.id + ": a gpio output needs a \"gpio\" line");
      all_ok = false;
      continue;
    }
    auto it = backends_.find(cfg.gpio->chip);
    if (it == backends_.end()) {
      it = backends_.emplace(cfg.gpio->chip, factory_(cfg.gpio->chip)).first;
    }
    LineBackend* backend = it->second.get();
    std::string error;
    int handle = -1;
    if (backend == nullptr) {
      error = cfg.gpio->chip + ": no backend for this chip";
    } else if (backend->RequestOutput(*cfg.gpio, consumer_, &handle, &error)) {
      Output out;
      out.cfg = cfg;
      out.backend = backend;
      out.handle = handle;
      outputs_[cfg.id] = std::move(out);
      continue;
    }
    errors->push_back(cfg.id + ": " + error);
    all_ok = false;
  }
  return all_ok;
}

void GpioOutputs::Drive(Output& out, bool on, std::vector<std::string>* errors) {
  std::string error;
  if (!out.backend->SetOutput(out.handle, on, &error) && errors != nullptr) {
    errors->push_back(out.cfg.id + ": " + error);
  }
  // Record the intent even on failure, so the next step retries from the right state.
  out.on = on;
}

void GpioOutputs::Stop(Output& out, std::vector<std::string>* errors) {
  out.pattern = OutputPattern::kOff;
  out.next_toggle.reset();
  out.ends.reset();
  out.chirp_toggle.reset();
  out.chirp_edges = 0;
  Drive(out, false, errors);
}

void GpioOutputs::Apply(const SetOutput& action, Now now, std::vector<std::string>* errors) {
  for (auto& [id, out] : outputs_) {
    if (out.cfg.kind != ToString(action.kind)) continue;
    if (action.pattern == OutputPattern::kOff) {
      // An idle output chirping a squawk keeps its chirp: the disarm's offs may reach it after
      // the squawk.
      if (out.pattern == OutputPattern::kOff && out.chirp_toggle) continue;
      Stop(out, errors);
      continue;
    }
    out.chirp_toggle.reset();
    out.chirp_edges = 0;
    out.pattern = action.pattern;
    out.ends.reset();
    if (action.duration > Seconds{0}) out.ends = now.mono + action.duration;
    out.next_toggle.reset();
    if (action.pattern == OutputPattern::kPulsed) out.next_toggle = now.mono + kPulseOn;
    Drive(out, true, errors);
  }
}

void GpioOutputs::Squawk(bool armed, Now now, std::vector<std::string>* errors) {
  for (auto& [id, out] : outputs_) {
    if (!out.cfg.squawk || (out.cfg.kind != "siren" && out.cfg.kind != "chime")) continue;
    if (out.pattern != OutputPattern::kOff) continue;
    // On now; then off (armed), or off, on, off (disarmed).
    out.chirp_edges = armed ? 1 : 3;
    out.chirp_toggle = now.mono + kSquawkOn;
    Drive(out, true, errors);
  }
}

void GpioOutputs::AllOff(std::vector<std::string>* errors) {
  for (auto& [id, out] : outputs_) Stop(out, errors);
}

std::optional<MonoTime> GpioOutputs::NextDeadline() const {
  std::optional<MonoTime> next;
  auto consider = [&next](const std::optional<MonoTime>& t) {
    if (t && (!next || *t < *next)) next = t;
  };
  for (const auto& [id, out] : outputs_) {
    consider(out.next_toggle);
    consider(out.ends);
    consider(out.chirp_toggle);
  }
  return next;
}

void GpioOutputs::OnTick(Now now, std::vector<std::string>* errors) {
  for (auto& [id, out] : outputs_) {
    if (out.chirp_toggle && now.mono >= *out.chirp_toggle) {
      const bool on = !out.on;
      --out.chirp_edges;
      // Each edge from the one before, so a late tick shortens no chirp to nothing.
      out.chirp_toggle.reset();
      if (out.chirp_edges > 0) out.chirp_toggle = now.mono + (on ? kSquawkOn : kSquawkGap);
      Drive(out, on, errors);
      continue;
    }
    if (out.ends && now.mono >= *out.ends) {
      Stop(out, errors);
      continue;
    }
    if (!out.next_toggle || now.mono < *out.next_toggle) continue;
    const bool on = !out.on;
    // Keep the cadence on its schedule; after a long stall restart it from now.
    MonoTime from = *out.next_toggle;
    if (now.mono - from > kPulseOn + kPulseOff) from = now.mono;
    out.next_toggle = from + (on ? kPulseOn : kPulseOff);
    Drive(out, on, errors);
  }
}

bool GpioOutputs::IsOn(const std::string& output_id) const {
  auto it = outputs_.find(output_id);
  return it != outputs_.end() && it->second.on;
}

bool GpioOutputs::IsSquawking(const std::string& output_id) const {
  auto it = outputs_.find(output_id);
  return it != outputs_.end() && it->second.chirp_toggle.has_value();
}

OutputPattern GpioOutputs::PatternOf(const std::string& output_id) const {
  auto it = outputs_.find(output_id);
  return it == outputs_.end() ? OutputPattern::kOff : it->second.pattern;
}

}  // namespace homesec
