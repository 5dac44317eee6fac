// `homesecctl events`: which events a filter lets through, how an event and the platform's
// dispatch statuses for it are printed, and the join of the stored history with the live
// <prefix>/event stream for --follow. Pure (no broker, no database): tools/homesecctl/
// ctl_events.cpp reads the store and the broker and hands their contents over.
//
// The join: homesecctl subscribes to <prefix>/event first, then reads the history. homesecd
// commits an event before it publishes it, so every event is in the history read, or arrives
// live after it, or both; both share the local numbering (docs/protocol.md §3.8), so a live
// event at or below the last seq read is a duplicate and is dropped. A live event further ahead
// than the next seq means one was missed (a commit that failed and was published from memory):
// the feed asks for the gap to be read from the store before it prints it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "rules/types.hpp"
#include "store/store.hpp"
#include "tools/homesecctl/args.hpp"

namespace homesec {

struct EventFilter {
  std::vector<std::string> types;  // event types or categories; empty: any
  std::string zone;                // empty: any
  std::optional<WallTime> since;
  bool any() const { return !types.empty() || !zone.empty() || since.has_value(); }
};

// The filter `args` asks for; a relative --since counts back from `now`.
EventFilter FilterFor(const CtlArgs& args, WallTime now);
// Every filter given holds (AND); a --type list matches the event's type or its category.
bool Matches(const Event& event, const EventFilter& filter);

// An event as shown, with the platform's statuses for it (Store::DispatchHistory; those other
// than "received" for every event, and "received" too for alarms: that the platform has it).
struct ShownEvent {
  Event event;  // in the local numbering
  std::vector<DispatchStatus> dispatch;
};
// The statuses worth showing with `event` out of its whole history.
std::vector<DispatchStatus> StatusesToShow(const Event& event,
                                           const std::vector<DispatchStatus>& history);

// Text, without --follow: the table `homesecctl events` prints, each event's statuses in rows
// under it.
std::string FormatShownEvents(const std::vector<ShownEvent>& events);
// Text, with --follow: one line per event, in fixed columns (a live line cannot be aligned to lines
// to come), then one indented line per dispatch status. The header once, before the first line.
std::string EventHeader();
std::string FormatEventLine(const ShownEvent& shown);
std::string FormatDispatchLine(const DispatchStatus& status, const std::string& what = {});
// JSON: EventToJson with "dispatch": [{"status", "time", "note"}], on one line.
std::string EventJsonLine(const ShownEvent& shown, const std::string& hub_id);

// The live half of `events --follow`.
class EventFeed {
 public:
  EventFeed(EventFilter filter, std::string hub_id, bool json);

  // The history read after subscribing (local numbering, oldest first): what to print. `read_up_to`
  // is the highest local seq the read saw, filtered out or not (0 for an empty log).
  std::string History(const std::vector<ShownEvent>& events, std::uint64_t read_up_to);

  // One message from <prefix>/event. nullopt: nothing to print (a duplicate, filtered out, not an
  // event). With `gap_from`/`gap_to` set (and nothing printed yet) the feed needs the events
  // from gap_from to gap_to read from the store first: pass them to FillGap, then this message
  // again.
  struct LiveResult {
    std::string print;
    std::optional<std::uint64_t> gap_from;
    std::optional<std::uint64_t> gap_to;
  };
  LiveResult Live(std::string_view payload);
  // The events read for a gap (any order; those outside it ignored): what to print.
  std::string FillGap(const std::vector<ShownEvent>& events, std::uint64_t to);

  std::uint64_t last_seq() const { return last_seq_; }

 private:
  std::string Show(const ShownEvent& shown);
  std::string Dispatch(const nlohmann::json& notice);

  EventFilter filter_;
  std::string hub_id_;
  bool json_;
  bool header_shown_ = false;
  std::uint64_t last_seq_ = 0;
  std::map<std::uint64_t, std::string> shown_;  // seq -> type, of the events printed
};

}  // namespace homesec
