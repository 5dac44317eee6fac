// The durability policy, RequiredDurability(): which batches of events must be fsynced (FULL) and
// which need not be (NORMAL). Only the policy: how the daemon follows it (it commits, then calls
// Store::Sync for a FULL batch) is not observed here.
#include "store/durability.hpp"

#include "store_test_support.hpp"

namespace homesec {
namespace {

Event OfCategory(std::uint64_t seq, EventCategory category) {
  Event e = testing::MakeEvent(seq);
  e.category = category;
  return e;
}

}  // namespace

TEST_CASE("durability policy: alarms, arming, disarming and bypasses require FULL") {
  // A bypass too: an UNBYPASS lost to a power cut would leave the zone unwatched.
  for (EventCategory category : {EventCategory::kAlarm, EventCategory::kArming,
                                 EventCategory::kDisarming, EventCategory::kBypass}) {
    CAPTURE(ToString(category));
    CHECK(RequiredDurability({OfCategory(1, category)}) == Durability::kFull);
  }
}

TEST_CASE("durability policy: routine events (and no events) require only NORMAL") {
  for (EventCategory category :
       {EventCategory::kRestore, EventCategory::kTrouble, EventCategory::kTroubleRestore,
        EventCategory::kAccess, EventCategory::kWatch, EventCategory::kDispatch,
        EventCategory::kSystem, EventCategory::kTest}) {
    CAPTURE(ToString(category));
    CHECK(RequiredDurability({OfCategory(1, category)}) == Durability::kNormal);
  }
  CHECK(RequiredDurability({}) == Durability::kNormal);
}

TEST_CASE("durability policy: one alarm among routine events makes the whole batch FULL") {
  CHECK(RequiredDurability({OfCategory(1, EventCategory::kTrouble),
                            OfCategory(2, EventCategory::kAlarm),
                            OfCategory(3, EventCategory::kSystem)}) == Durability::kFull);
}

}  // namespace homesec
