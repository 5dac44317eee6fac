// homesecd as a whole: loads the config, opens the store, restores the panel, opens the GPIO
// lines and both brokers' clients, and runs the event loop. Every panel decision goes through
// Dispatch(): the snapshot and events are committed to SQLite first, then the actions are
// carried out (uplink, local broker, outputs), then the deadline timer is re-armed.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config.hpp"
#include "daemon/event_loop.hpp"
#include "daemon/local_interface.hpp"
#include "daemon/uplink.hpp"
#include "rules/panel.hpp"
#include "sensors/gpio_inputs.hpp"
#include "sensors/gpio_outputs.hpp"
#include "store/store.hpp"

namespace homesec {

class App {
 public:
  explicit App(std::string config_path);
  ~App();

  // Runs until TERM/INT. Returns the process exit code (non-zero when start-up failed).
  int Run();

 private:
  bool Init();
  void Dispatch(const Input& input);
  void CommitAndExecute(std::vector<Action> actions, Now now);
  // Commits the snapshot with `events` after any still uncommitted; on failure keeps them all in
  // uncommitted_, hands the reportable ones to the uplink from memory and retries on a timer.
  // Reports store health changes to the panel. True when committed.
  bool CommitEvents(const std::vector<Event>& events, Now now);
  void RetryCommit();
  // The reportable ones among `events` that the store refused, as the uplink sends them from
  // memory; empty when their seqs cannot be recorded as used (Store::NoteSentFromMemory).
  std::vector<OutboxEntry> SendableFromMemory(const std::vector<Event>& events);
  // Tells the panel when the store starts or stops accepting writes (trouble store_failure).
  void ReportStoreHealth(bool committed);
  PanelConfig BuildPanelConfig(const AppConfig& config);
  void ReloadUsersIfChanged();
  void CreateAdapters();
  void ConnectAdapters();
  void StopAdapters();
  // Moves the panel's seq past any that a power cut may have lost after publishing them.
  void GuardSeqs();
  void OpenGpio(Now now);
  void RearmDeadline();
  void OnSignal(int signal_number);
  void Reload();
  void Shutdown();
  void StartWatchdog();
  // The input journal (docs/storage.md "Input journal"): rows wait in journal_ until the next
  // commit writes them with the snapshot and events they led to.
  void NoteJournalConfig(const PanelConfig& config);
  void AppendJournalRow(JournalKind kind, Now now, std::uint64_t next_seq, std::string body);
  void AppendJournalState(JournalKind kind, Now now);
  // Handle(input) with its journal row: every input but a tick that changed nothing.
  std::vector<Action> HandleJournaled(const Input& input, Now now);
  std::vector<Action> ReconfigureJournaled(PanelConfig config, Now now);

  std::string config_path_;
  std::unique_ptr<EventLoop> loop_;
  std::optional<AppConfig> config_;
  std::unique_ptr<Store> store_;
  std::optional<Panel> panel_;
  std::unique_ptr<GpioInputs> gpio_in_;
  std::unique_ptr<GpioOutputs> gpio_out_;
  std::unique_ptr<LocalInterface> local_;
  std::unique_ptr<Uplink> uplink_;
  std::vector<int> gpio_fds_;
  std::optional<WatchChanged> watch_;  // the last watch registration, for recreated adapters
  std::int64_t users_version_ = -1;
  EventLoop::TimerId deadline_timer_ = 0;
  MonoTime deadline_armed_ = MonoTime::max();
  bool stopping_ = false;
  std::vector<Event> uncommitted_;  // events the store refused, oldest first
  bool store_ok_ = true;            // as last reported to the panel
  std::string store_error_;         // why the last commit failed
  EventLoop::TimerId commit_retry_timer_ = 0;
  JournalBatch journal_;                        // rows and configs for the next commit
  std::string journal_config_hash_;             // the config in effect, as stored
  std::optional<WallTime> journal_checkpoint_;  // the newest restore / checkpoint row
};

}  // namespace homesec
