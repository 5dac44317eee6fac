// homesecd's wiring: config -> store -> panel -> GPIO -> brokers, all on one EventLoop.
#include "daemon/app.hpp"

#include <openssl/rand.h>
#include <signal.h>
#include <sys/epoll.h>
#include <systemd/sd-daemon.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>

#include "daemon/log.hpp"
#include "rules/event_json.hpp"
#include "store/durability.hpp"

namespace homesec {
namespace {

constexpr const char* kTag = "homesecd";

// The journal's periodic checkpoint: a replay starts from the nearest one, and retention cuts
// whole days.
constexpr Millis kJournalCheckpointEvery{24LL * 3600 * 1000};
// Rows kept in memory while the store refuses writes; past it they are dropped and the next
// commit writes a restore row (a replay resumes there instead of crossing the hole).
constexpr std::size_t kMaxPendingJournalRows = 20000;

// This boot of the machine: a different id means a reboot, after which commits that were not yet
// synced may be gone (Store::BeginRun). Read from the config's boot_id_file (the kernel's by
// default). Unreadable: a fresh random id, so every start counts as a reboot (the safe side).
std::string BootId(const std::string& path) {
  std::ifstream in(path);
  std::string id;
  if (std::getline(in, id) && !id.empty()) return id;
  unsigned char random[16] = {};
  RAND_bytes(random, sizeof random);
  id = "unknown-";
  for (const unsigned char byte : random) id += "0123456789abcdef"[byte % 16];
  LogMessage(LogLevel::kWarning, kTag,
             "cannot read the boot id from " + path + ": every start counts as a reboot");
  return id;
}

std::vector<std::pair<std::string, GpioLineConfig>> GpioLines(const AppConfig& config) {
  std::vector<std::pair<std::string, GpioLineConfig>> lines;
  for (const DeviceConfig& device : config.devices) {
    if (const auto* line = std::get_if<GpioLineConfig>(&device.source)) {
      lines.emplace_back(device.id, *line);
    }
  }
  return lines;
}

}  // namespace

App::App(std::string config_path) : config_path_(std::move(config_path)) {}

App::~App() = default;

PanelConfig App::BuildPanelConfig(const AppConfig& config) {
  PanelConfig panel = config.panel;
  panel.hub_id = config.hub.id;
  std::string error;
  panel.users = store_->Users(&error);
  if (!error.empty()) LogMessage(LogLevel::kError, kTag, "reading users: " + error);
  users_version_ = store_->DataVersion();
  return panel;
}

bool App::Init() {
  ConfigResult loaded = LoadConfigFile(config_path_);
  if (!loaded.config) {
    for (const ConfigError& error : loaded.errors)
      LogMessage(LogLevel::kError, kTag, config_path_ + ": " + ToString(error));
    return false;
  }
  config_ = std::move(loaded.config);
  if (const auto level = ParseLogLevel(config_->log_level)) SetLogLevel(*level);
  if (!config_->sim_gpio_dir.empty()) setenv("HOMESEC_SIM_DIR", config_->sim_gpio_dir.c_str(), 1);

  std::string error;
  loop_ = EventLoop::Create(&error);
  if (!loop_) {
    LogMessage(LogLevel::kError, kTag, "event loop: " + error);
    return false;
  }
  store_ = Store::Open(config_->storage.path, &error);
  if (!store_) {
    LogMessage(LogLevel::kError, kTag, "store " + config_->storage.path + ": " + error);
    return false;
  }

  store_->SetJournalRetention(
      Millis{std::int64_t{config_->storage.journal_days} * 24 * 3600 * 1000});
  journal_checkpoint_ = store_->LastJournalCheckpoint();

  const Now now = ClockNow();
  PanelConfig panel_config = BuildPanelConfig(*config_);
  const std::optional<nlohmann::json> snapshot = store_->LoadSnapshot(&error);
  if (snapshot) {
    std::string restore_error;
    panel_.emplace(Panel::Restore(panel_config, *snapshot, now, &restore_error));
    if (!restore_error.empty())
      LogMessage(LogLevel::kError, kTag, "restoring the panel: " + restore_error);
  } else {
    if (!error.empty()) LogMessage(LogLevel::kError, kTag, "loading the snapshot: " + error);
    panel_.emplace(panel_config);
  }
  GuardSeqs();
  LogMessage(
      LogLevel::kInfo, kTag,
      "hub " + config_->hub.id + " starting in mode " + std::string(ToString(panel_->mode())));

  loop_->OnSignal([this](int signal_number) { OnSignal(signal_number); });
  loop_->AddPrepareHook([this] { RearmDeadline(); });
  CreateAdapters();
  // The journal resumes where homesecd resumed: the state it restored (or a new panel's).
  NoteJournalConfig(panel_->config());
  AppendJournalState(JournalKind::kRestore, now);
  AppendJournalRow(JournalKind::kStart, now, panel_->next_seq(), "");
  CommitAndExecute(panel_->Start(now), now);
  OpenGpio(ClockNow());
  ConnectAdapters();
  return true;
}

void App::GuardSeqs() {
  std::string error;
  std::optional<std::uint64_t> lowest = store_->BeginRun(BootId(config_->boot_id_file), &error);
  if (!lowest) {
    // Unknown whether the last run ended cleanly: assume it did not.
    LogMessage(LogLevel::kError, kTag, "recording this run in the store: " + error);
    lowest = store_->seq_reserved() + 1;
  }
  if (*lowest <= panel_->next_seq()) return;
  // After a reboot without a clean stop, commits not yet synced may be gone; after a full disk,
  // events were sent from memory and never committed. Either way their seqs may be known to the
  // platform.
  LogMessage(LogLevel::kWarning, kTag,
             "events from seq " + std::to_string(panel_->next_seq()) +
                 " on may have reached the platform without being kept here (a reboot without "
                 "a clean stop, or events sent while the disk was full); continuing at seq " +
                 std::to_string(*lowest) + " so that none is reused");
  panel_->SkipSeqsBelow(*lowest);
}

void App::OpenGpio(Now now) {
  gpio_in_ = std::make_unique<GpioInputs>();
  gpio_out_ = std::make_unique<GpioOutputs>();
  std::vector<Reading> initial;
  std::vector<std::string> errors;
  gpio_in_->Open(GpioLines(*config_), now, &initial, &errors);
  gpio_out_->Open(config_->outputs, &errors);
  for (const std::string& error : errors) LogMessage(LogLevel::kError, kTag, "gpio: " + error);
  for (const int fd : gpio_in_->Fds()) {
    std::string error;
    const bool ok = loop_->Watch(
        fd, EPOLLIN,
        [this, fd](std::uint32_t) {
          std::vector<std::string> read_errors;
          for (const Reading& reading : gpio_in_->OnReadable(fd, ClockNow(), &read_errors)) {
            Dispatch(reading);
          }
          for (const std::string& e : read_errors)
            LogMessage(LogLevel::kWarning, kTag, "gpio: " + e);
        },
        &error);
    if (ok) gpio_fds_.push_back(fd);
    if (!ok) LogMessage(LogLevel::kError, kTag, "gpio fd: " + error);
  }
  for (const Reading& reading : initial) Dispatch(reading);
}

void App::CreateAdapters() {
  LocalHooks local_hooks;
  local_hooks.on_reading = [this](const Reading& reading) { Dispatch(reading); };
  local_hooks.on_command = [this](const Command& command) { Dispatch(command); };
  local_hooks.silent_history = [this]() -> const SilentHistory& {
    return panel_->silent_history();
  };
  local_hooks.troubles = [this] { return panel_->troubles(); };
  local_hooks.on_pairing_refused = [this](const PairingRefused& refused) { Dispatch(refused); };
  local_ = std::make_unique<LocalInterface>(*loop_, *config_, std::move(local_hooks));
  // What the retained topics say until the panel says more (after a reload it may not).
  local_->Apply(StateChanged{panel_->mode(), panel_->armed_mode(), Seconds(0)});
  // Open is the zone's own state, not "status == open": a zone in alarm or bypassed may be open
  // (issue 10: after a reload such a zone was republished closed).
  for (const ZoneConfig& zone : config_->panel.zones) {
    local_->Apply(panel_->zone_view(zone.id).value_or(ZoneChanged{zone.id}));
  }

  if (config_->uplink.enabled) {
    UplinkHooks uplink_hooks;
    uplink_hooks.on_link = [this](bool connected) {
      Dispatch(UplinkLink{connected});
      if (local_) local_->SetUplinkOnline(connected);
    };
    uplink_hooks.on_dispatch = [this](const PlatformAck& ack) { local_->PublishDispatch(ack); };
    uplink_hooks.on_command = [this](const Command& command) { Dispatch(command); };
    uplink_hooks.on_watch_ack = [this](const WatchAck& ack) { Dispatch(ack); };
    uplink_hooks.heartbeat_fields = [this] {
      return nlohmann::json{{"mode", std::string(ToString(panel_->mode()))}};
    };
    uplink_ = std::make_unique<Uplink>(*loop_, *store_, config_->uplink, config_->hub,
                                       config_->storage.path + "-platform-requests",
                                       std::move(uplink_hooks));
  }
  // After a reload the new clients still owe the brokers the retained watch registration.
  if (watch_) {
    local_->Apply(*watch_);
    if (uplink_) uplink_->SetWatch(*watch_);
  }
}

void App::ConnectAdapters() {
  local_->Start();
  if (uplink_) uplink_->Start();
}

void App::StopAdapters() {
  if (uplink_) uplink_->Stop();
  if (local_) local_->Stop();
  uplink_.reset();
  local_.reset();
  for (const int fd : gpio_fds_) loop_->Unwatch(fd);
  gpio_fds_.clear();
  gpio_in_.reset();
  gpio_out_.reset();
}

void App::ReloadUsersIfChanged() {
  if (store_->DataVersion() == users_version_) return;
  // homesecctl wrote to the store (users added or removed) while we were running.
  const Now now = ClockNow();
  CommitAndExecute(ReconfigureJournaled(BuildPanelConfig(*config_), now), now);
}

void App::Dispatch(const Input& input) {
  if (const auto* command = std::get_if<Command>(&input)) {
    ReloadUsersIfChanged();
    if (command->action == CommandAction::kWatchStart && command->watch &&
        command->watch->keyholder) {
      // The keyholder's PIN is hashed by the panel with a salt from the kernel's random source.
      Command salted = *command;
      salted.watch->salt.resize(16);
      if (RAND_bytes(salted.watch->salt.data(), static_cast<int>(salted.watch->salt.size())) != 1) {
        salted.watch->salt.clear();  // the panel refuses the keyholder, saying why
      }
      const Now now = ClockNow();
      CommitAndExecute(HandleJournaled(salted, now), now);
      return;
    }
  }
  const Now now = ClockNow();
  CommitAndExecute(HandleJournaled(input, now), now);
}

void App::NoteJournalConfig(const PanelConfig& config) {
  std::string text =
      PanelConfigToJson(config).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string hash = ConfigHash(text);
  if (hash == journal_config_hash_) return;
  journal_config_hash_ = hash;
  journal_.configs.emplace_back(std::move(hash), std::move(text));
}

void App::AppendJournalRow(JournalKind kind, Now now, std::uint64_t next_seq, std::string body) {
  if (journal_.rows.size() >= kMaxPendingJournalRows) {
    // The store has refused writes for a long time: keep memory bounded, resume with a restore
    // row at the next commit (CommitEvents).
    journal_.rows.clear();
    journal_checkpoint_.reset();
  }
  JournalRow row;
  row.kind = kind;
  row.now = now;
  row.next_seq = next_seq;
  row.body = std::move(body);
  if (kind != JournalKind::kInput && kind != JournalKind::kStart) {
    row.config_hash = journal_config_hash_;
  }
  journal_.rows.push_back(std::move(row));
}

void App::AppendJournalState(JournalKind kind, Now now) {
  AppendJournalRow(
      kind, now, panel_->next_seq(),
      panel_->Snapshot(now).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  journal_checkpoint_ = now.wall;
}

std::vector<Action> App::HandleJournaled(const Input& input, Now now) {
  const std::uint64_t next_seq = panel_->next_seq();
  if (std::holds_alternative<Tick>(input)) {
    // A tick that emits nothing and leaves the state as it was is not recorded: the replay,
    // without it, is in the same state for every later input (Handle is a function of state,
    // input and now), so it stays exact. Ticks are rare (a deadline was due), so comparing the
    // state costs little.
    const nlohmann::json before = panel_->Snapshot(now);
    std::vector<Action> actions = panel_->Handle(input, now);
    if (!actions.empty() || panel_->Snapshot(now) != before) {
      AppendJournalRow(JournalKind::kInput, now, next_seq, InputToJson(input).dump());
    }
    return actions;
  }
  std::vector<Action> actions = panel_->Handle(input, now);
  std::string owner;
  if (const auto* command = std::get_if<Command>(&input)) owner = CodeOwner(*command, actions);
  AppendJournalRow(
      JournalKind::kInput, now, next_seq,
      InputToJson(input, owner).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return actions;
}

std::vector<Action> App::ReconfigureJournaled(PanelConfig config, Now now) {
  const std::uint64_t next_seq = panel_->next_seq();
  NoteJournalConfig(config);
  AppendJournalRow(JournalKind::kReconfigure, now, next_seq, "");
  return panel_->Reconfigure(std::move(config), now);
}

void App::CommitAndExecute(std::vector<Action> actions, Now now) {
  if (actions.empty()) return;
  std::vector<Event> events;
  for (const Action& action : actions) {
    if (const auto* record = std::get_if<RecordEvent>(&action)) events.push_back(record->event);
  }
  const bool committed = CommitEvents(events, now);
  for (const Action& action : actions) {
    if (const auto* output = std::get_if<SetOutput>(&action); output && gpio_out_) {
      std::vector<std::string> errors;
      gpio_out_->Apply(*output, now, &errors);
      for (const std::string& e : errors) LogMessage(LogLevel::kError, kTag, "output: " + e);
    }
    if (const auto* squawk = std::get_if<Squawk>(&action); squawk && gpio_out_) {
      std::vector<std::string> errors;
      gpio_out_->Squawk(squawk->armed, now, &errors);
      for (const std::string& e : errors) LogMessage(LogLevel::kError, kTag, "squawk: " + e);
    }
    if (const auto* watch = std::get_if<WatchChanged>(&action)) {
      watch_ = *watch;
      if (uplink_) uplink_->SetWatch(*watch);
    }
    if (local_) local_->Apply(action);
  }
  // After this decision's own actions: the trouble is a decision of its own.
  ReportStoreHealth(committed);
}

void App::ReportStoreHealth(bool committed) {
  if (committed == store_ok_) return;
  store_ok_ = committed;
  Dispatch(StoreHealth{committed, committed ? "" : store_error_});
}

bool App::CommitEvents(const std::vector<Event>& events, Now now) {
  // The usual case commits `events` as they are; only after a failure is there a backlog to put
  // in front of them (the alarm path pays for no copy).
  std::vector<Event> merged;
  if (!uncommitted_.empty()) {
    merged = std::move(uncommitted_);
    uncommitted_.clear();
    merged.insert(merged.end(), events.begin(), events.end());
  }
  const std::vector<Event>& batch = merged.empty() ? events : merged;
  // Written first: nothing leaves the hub that a crashed process could make it forget. An alarm
  // must also survive a power cut, but its fsync comes after the uplink publish, off the path
  // to the platform; the seq reservation (Store::BeginRun) keeps that safe.
  std::string error;
  // A day after the last checkpoint (or after rows were dropped), the whole state: a replay
  // starts there, and the retention cuts the rows before it.
  if (!journal_checkpoint_) {
    AppendJournalState(JournalKind::kRestore, now);
  } else if (now.wall - *journal_checkpoint_ >= kJournalCheckpointEvery) {
    AppendJournalState(JournalKind::kCheckpoint, now);
  }
  const PanelSnapshot snapshot = panel_->SnapshotForStore(now);
  if (!store_->Commit(snapshot, batch, journal_, config_->hub.id, Durability::kNormal, &error)) {
    store_error_ = error;
    if (store_ok_) {
      LogMessage(LogLevel::kError, kTag,
                 "commit failed; acting anyway (the siren must sound), keeping the events in "
                 "memory, sending them from there and retrying every 2 s: " +
                     error);
    }
    // Only the events new in this decision: those of earlier failed commits were handed over
    // already (handing the whole backlog again at every failure sent acknowledged events again,
    // 44 copies of one id in the soak).
    if (uplink_) uplink_->SendUncommitted(SendableFromMemory(events));
    uncommitted_ = batch;
    if (commit_retry_timer_ == 0) {
      commit_retry_timer_ = loop_->After(Millis{2000}, [this] {
        commit_retry_timer_ = 0;
        RetryCommit();
      });
    }
    return false;
  }
  panel_->Stored(snapshot);
  journal_ = JournalBatch{};
  bool report = false;
  for (const Event& event : batch) report = report || event.report;
  if (uplink_) {
    uplink_->ForgetUncommitted();
    if (report) uplink_->Kick();  // alarms first: the uplink before anything local
  }
  if (RequiredDurability(batch) == Durability::kFull && !store_->Sync(&error)) {
    LogMessage(LogLevel::kError, kTag, "syncing the store to disk: " + error);
  }
  return true;
}

std::vector<OutboxEntry> App::SendableFromMemory(const std::vector<Event>& events) {
  std::vector<OutboxEntry> entries;
  std::uint64_t highest = 0;
  for (const Event& event : events) {
    // Only seqs inside the on-disk reservation: one past it could be reused after a power cut.
    if (!event.report || event.seq > store_->seq_reserved()) continue;
    entries.push_back(
        OutboxEntry{event.seq, event.priority, EventPayload(event, config_->hub.id), 0});
    highest = std::max(highest, event.seq);
  }
  if (entries.empty()) return entries;
  // Recorded before it can leave: a restart (kill -9) must not give these seqs to other events.
  std::string error;
  if (!store_->NoteSentFromMemory(highest, &error)) {
    LogMessage(LogLevel::kError, kTag,
               "cannot record the seqs of events sent from memory (" + error +
                   "): they wait for the store instead");
    entries.clear();
  }
  return entries;
}

void App::RetryCommit() {
  if (uncommitted_.empty() && store_ok_) return;
  const Now now = ClockNow();
  const bool committed = CommitEvents({}, now);
  if (committed) {
    LogMessage(LogLevel::kInfo, kTag, "the store accepts writes again; events committed");
  }
  ReportStoreHealth(committed);
}

void App::RearmDeadline() {
  std::optional<MonoTime> next = panel_->NextDeadline(ClockNow());
  for (const std::optional<MonoTime> other :
       {gpio_in_ ? gpio_in_->NextDeadline() : std::nullopt,
        gpio_out_ ? gpio_out_->NextDeadline() : std::nullopt}) {
    if (other && (!next || *other < *next)) next = other;
  }
  const MonoTime deadline = next.value_or(MonoTime::max());
  if (deadline == deadline_armed_) return;
  loop_->Cancel(deadline_timer_);
  deadline_timer_ = 0;
  deadline_armed_ = deadline;
  if (!next) return;
  deadline_timer_ = loop_->At(deadline, [this] {
    deadline_timer_ = 0;
    deadline_armed_ = MonoTime::max();
    const Now now = ClockNow();
    if (gpio_in_) {
      for (const Reading& reading : gpio_in_->OnTick(now)) Dispatch(reading);
    }
    if (gpio_out_) gpio_out_->OnTick(now);
    if (const auto due = panel_->NextDeadline(now); due && *due <= now.mono) Dispatch(Tick{});
  });
}

void App::OnSignal(int signal_number) {
  if (signal_number == SIGHUP) {
    Reload();
  } else {
    LogMessage(LogLevel::kInfo, kTag, "stopping (signal " + std::to_string(signal_number) + ")");
    Shutdown();
  }
}

void App::Reload() {
  sd_notify(0, "RELOADING=1");
  ConfigResult loaded = LoadConfigFile(config_path_);
  if (!loaded.config) {
    LogMessage(LogLevel::kError, kTag,
               "reload refused, keeping the running config (" +
                   std::to_string(loaded.errors.size()) + " errors):");
    for (const ConfigError& error : loaded.errors)
      LogMessage(LogLevel::kError, kTag, config_path_ + ": " + ToString(error));
    sd_notify(0, "READY=1");
    return;
  }
  if (loaded.config->storage.path != config_->storage.path) {
    LogMessage(LogLevel::kWarning, kTag, "storage.path changed: takes effect at the next restart");
    loaded.config->storage.path = config_->storage.path;
  }
  StopAdapters();
  config_ = std::move(loaded.config);
  if (const auto level = ParseLogLevel(config_->log_level)) SetLogLevel(*level);
  CreateAdapters();
  const Now now = ClockNow();
  CommitAndExecute(ReconfigureJournaled(BuildPanelConfig(*config_), now), now);
  OpenGpio(ClockNow());
  ConnectAdapters();
  LogMessage(LogLevel::kInfo, kTag, "config reloaded");
  sd_notify(0, "READY=1");
}

void App::Shutdown() {
  if (stopping_) return;
  stopping_ = true;
  sd_notify(0, "STOPPING=1");
  std::string error;
  const Now now = ClockNow();
  if (!store_->Commit(panel_->SnapshotForStore(now), uncommitted_, journal_, config_->hub.id,
                      Durability::kFull, &error) ||
      !store_->EndRun(&error)) {
    LogMessage(LogLevel::kError, kTag,
               "saving the state at stop: " + error +
                   (uncommitted_.empty() ? std::string()
                                         : " (" + std::to_string(uncommitted_.size()) +
                                               " events never reached the store)"));
  }
  StopAdapters();
  loop_->Stop();
}

void App::StartWatchdog() {
  std::uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
  const Millis every{static_cast<long>(usec / 2000)};
  struct Pet {
    static void Schedule(EventLoop& loop, Millis every) {
      loop.After(every, [&loop, every] {
        sd_notify(0, "WATCHDOG=1");
        Schedule(loop, every);
      });
    }
  };
  Pet::Schedule(*loop_, every);
}

int App::Run() {
  if (!Init()) return 1;
  // READY once config, store and GPIO are up; the brokers connect in the background.
  sd_notify(0, "READY=1");
  StartWatchdog();
  const bool ok = loop_->Run();
  LogMessage(LogLevel::kInfo, kTag, "stopped");
  return ok ? 0 : 1;
}

}  // namespace homesec
