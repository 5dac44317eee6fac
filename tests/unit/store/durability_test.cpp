// The durability policy: which commits are fsynced (FULL) and which are not (NORMAL).
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

TEST_CASE("durability: alarms, arming and disarming are committed with FULL") {
  for (EventCategory category :
       {EventCategory::kAlarm, EventCategory::kArming, EventCategory::kDisarming}) {
    CAPTURE(ToString(category));
    CHECK(RequiredDurability({OfCategory(1, category)}) == Durability::kFull);
  }
}

TEST_CASE("durability: routine events are committed with NORMAL") {
  for (EventCategory category :
       {EventCategory::kRestore, EventCategory::kTrouble, EventCategory::kTroubleRestore,
        EventCategory::kBypass, EventCategory::kAccess, EventCategory::kWatch,
        EventCategory::kDispatch, EventCategory::kSystem, EventCategory::kTest}) {
    CAPTURE(ToString(category));
    CHECK(RequiredDurability({OfCategory(1, category)}) == Durability::kNormal);
  }
  CHECK(RequiredDurability({}) == Durability::kNormal);
}

TEST_CASE("durability: one alarm among routine events makes the whole commit FULL") {
  CHECK(RequiredDurability({OfCategory(1, EventCategory::kTrouble),
                            OfCategory(2, EventCategory::kAlarm),
                            OfCategory(3, EventCategory::kSystem)}) == Durability::kFull);
}

}  // namespace homesec
