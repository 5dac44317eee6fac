// Ademco Contact ID event codes (XYZ) and qualifiers the panel uses, in one place so that
// docs/events.md, the panel and the tests name the same numbers (docs/alarm-codes-reference.md).
#pragma once

namespace homesec::cid {

// Qualifiers.
inline constexpr int kNew = 1;      // new event / opening (disarm)
inline constexpr int kRestore = 3;  // restore / closing (arm)
inline constexpr int kStill = 6;    // previously reported condition still present

// Groups (GG).
inline constexpr int kGroupNone = 0;
inline constexpr int kGroupBurglary = 1;  // the one burglary partition

// Medical, fire, panic.
inline constexpr int kMedical = 100;
inline constexpr int kFire = 110;
inline constexpr int kPanic = 120;
inline constexpr int kDuress = 121;
inline constexpr int kSilentPanic = 122;
inline constexpr int kAudiblePanic = 123;

// Burglary.
inline constexpr int kBurglary = 130;
inline constexpr int kPerimeter = 131;
inline constexpr int kInterior = 132;
inline constexpr int kEntryExit = 134;
inline constexpr int kTamper = 137;
inline constexpr int kIntrusionVerified = 139;

// Non-burglary 24-hour.
inline constexpr int kGas = 151;
inline constexpr int kWaterLeak = 154;

// System and troubles.
inline constexpr int kSystemTrouble = 300;
inline constexpr int kSystemReset = 305;
inline constexpr int kCommunicationTrouble = 350;
inline constexpr int kExitError = 374;
inline constexpr int kLockJammed = 380;     // "sensor trouble", used for a jammed lock cylinder
inline constexpr int kSensorTrouble = 380;  // a zone whose device never reports its property
inline constexpr int kSupervisionLoss = 381;
inline constexpr int kLowBattery = 384;

// Open / close and access.
inline constexpr int kOpenCloseByUser = 401;
inline constexpr int kCancel = 406;
inline constexpr int kDoorPropped = 426;
inline constexpr int kArmedStay = 441;
inline constexpr int kRecentClosing = 459;
inline constexpr int kWrongCode = 461;

// Bypass.
inline constexpr int kBypass = 570;

// Walk test (homesecctl walk-test): 1 607 when the installer starts it, 3 607 when it ends
// (Contact ID 607 "walk test mode" is an E/R pair, as 570 is; 608 is "periodic test - system
// trouble present", not the end of a walk test). Reported: the platform's log shows when the
// zones under test raised nothing. Each zone seen is logged locally as 611 "point tested OK"
// and never reported.
inline constexpr int kWalkTest = 607;
inline constexpr int kPointTestedOk = 611;

// Programming: the Zigbee network opened to joins (homesecctl pair) and closed again. An
// installer action, like a keypad's program mode, and a window in which a foreign device could
// join: reported, so the platform's log shows when the home's radio network was open.
inline constexpr int kProgramModeEntry = 627;
inline constexpr int kProgramModeExit = 628;

}  // namespace homesec::cid
