// homesecctl events: the event log read from the database (so it works while homesecd is
// stopped), each event with the platform's dispatch statuses for it, filtered by type, zone and
// time; with --follow it then stays on the local broker and prints every new event and dispatch
// notice from <prefix>/event as it comes, joined to the history by seq
// (tools/homesecctl/event_feed.hpp).
#include <chrono>
#include <deque>
#include <iostream>
#include <limits>

#include "rules/event_json.hpp"
#include "tools/homesecctl/ctl.hpp"
#include "tools/homesecctl/event_feed.hpp"
#include "tools/homesecctl/format.hpp"
#include "tools/homesecctl/mqtt_session.hpp"

namespace homesec::ctl {
namespace {

constexpr std::chrono::seconds kConnectTimeout{10};

struct History {
  std::vector<ShownEvent> events;  // the matches, oldest first
  std::uint64_t up_to = 0;         // the highest local seq read, matching or not
};

// The newest `limit` events that match `filter` among the newest `count` rows of the log, in
// the local numbering, with their dispatch statuses. The rows are read before the snapshot's
// silent history: a silent event committed in between is then known to the history (which only
// grows), never unknown to it.
bool ReadHistory(Store& store, std::size_t count, const EventFilter& filter, std::size_t limit,
                 History* out, std::string* error) {
  std::vector<Event> rows = store.RecentEvents(count, error);
  if (!error->empty()) return false;
  SilentHistory silent;
  if (const auto snapshot = store.LoadSnapshot(error);
      snapshot && snapshot->is_object() && snapshot->contains("silent")) {
    silent = SilentHistoryFromJson(snapshot->at("silent")).value_or(SilentHistory{});
  }
  error->clear();
  std::vector<std::pair<std::uint64_t, Event>> matches;  // uplink seq, local event
  for (const Event& row : rows) {
    std::vector<Event> local = LocalEvents({row}, silent, 1);
    if (local.empty()) continue;
    out->up_to = std::max(out->up_to, local[0].seq);
    if (Matches(local[0], filter)) matches.emplace_back(row.seq, std::move(local[0]));
  }
  if (matches.size() > limit) {
    matches.erase(matches.begin(), matches.end() - static_cast<std::ptrdiff_t>(limit));
  }
  for (auto& [seq, event] : matches) {
    std::vector<DispatchStatus> statuses = StatusesToShow(event, store.DispatchHistory(seq));
    out->events.push_back(ShownEvent{std::move(event), std::move(statuses)});
  }
  return true;
}

int Follow(const CtlArgs& args, const AppConfig& config, Store& store, const EventFilter& filter,
           std::size_t count, std::size_t limit) {
  CatchInterrupts();
  MqttSession session(config.local_mqtt.broker);
  std::deque<std::string> pending;  // live messages not handled yet
  session.OnMessage([&](const std::string&, std::string_view payload) {
    if (pending.size() < 100000) pending.emplace_back(payload);
  });
  std::string error;
  const auto deadline = MqttSession::Clock::now() + kConnectTimeout;
  // Subscribed before the history is read: an event committed after the read is published
  // after it, so it arrives here.
  if (!session.Connect(deadline, &error) ||
      !session.Subscribe({config.local_mqtt.topic_prefix + "/event"}, deadline, &error)) {
    return Unreachable(error);
  }
  History history;
  if (!ReadHistory(store, count, filter, limit, &history, &error)) {
    std::cerr << "homesecctl: read events: " << error << "\n";
    return kExitUsage;
  }
  EventFeed feed(filter, config.hub.id, args.json);
  std::cout << feed.History(history.events, history.up_to) << std::flush;
  while (!Interrupted()) {
    while (!pending.empty()) {
      EventFeed::LiveResult live = feed.Live(pending.front());
      if (live.gap_to) {
        // Missed between two live events (or the read and the first): from the store.
        History gap;
        const std::size_t rows =
            static_cast<std::size_t>(*live.gap_to - *live.gap_from + 1) + kSilentSeqsKept + 64;
        if (!ReadHistory(store, rows, EventFilter{}, std::numeric_limits<std::size_t>::max(), &gap,
                         &error)) {
          std::cerr << "homesecctl: read events: " << error << "\n";
          error.clear();
        }
        std::cout << feed.FillGap(gap.events, *live.gap_to);
        live = feed.Live(pending.front());
      }
      std::cout << live.print << std::flush;
      pending.pop_front();
    }
    const bool idle =
        !session.RunUntil([&] { return !pending.empty() || Interrupted(); },
                          MqttSession::Clock::now() + std::chrono::seconds(1), &error);
    if (idle && !error.empty() && !Interrupted()) return Unreachable(error);
  }
  return kExitOk;
}

}  // namespace

int RunEvents(const CtlArgs& args, const AppConfig& config) {
  const std::unique_ptr<Store> store = OpenStore(config);
  if (!store) return kExitUsage;
  const EventFilter filter =
      FilterFor(args, std::chrono::time_point_cast<Millis>(std::chrono::system_clock::now()));
  // --last N: the newest N matches; without it 20, or every match since --since.
  const std::size_t limit =
      args.last_given || !filter.since ? args.last : std::numeric_limits<std::size_t>::max();
  // Without a filter the newest rows hold the answer; with one, the whole log may.
  const std::size_t count = filter.any() ? store->EventCount() + 1 : args.last + kSilentSeqsKept;
  if (args.follow) return Follow(args, config, *store, filter, count, limit);

  History history;
  std::string error;
  if (!ReadHistory(*store, count, filter, limit, &history, &error)) {
    std::cerr << "homesecctl: read events: " << error << "\n";
    return kExitUsage;
  }
  if (args.json) {
    for (const ShownEvent& shown : history.events) std::cout << EventJsonLine(shown, config.hub.id);
  } else {
    std::cout << FormatShownEvents(history.events);
  }
  return kExitOk;
}

}  // namespace homesec::ctl
