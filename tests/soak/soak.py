#!/usr/bin/python3
"""Fault soak for homesecd: "homesecd never goes deaf" (issue 10).

What it does
  Starts two real mosquitto brokers on free 127.0.0.1 ports (the home broker, no persistence;
  the district broker, MQTT v5-capable, persistence on with a 2 s autosave), the real homesecd
  with a generated config (Zigbee2MQTT devices and a keypad, simulated GPIO inputs and outputs,
  zones entry_exit, perimeter, interior, tamper_24h, fire_24h, water_24h, lock; a Zigbee siren,
  a GPIO siren relay and deterrent), a master user created with `homesecctl user add
  --pin-stdin`, and an independent platform client written with paho-mqtt (not libmosquitto,
  which the hub uses). For MINUTES it drives the hub through its real inputs (Zigbee2MQTT JSON
  on zigbee2mqtt/<name>, sim GPIO edges, JSON commands and keypad requests: arm, burglaries,
  restores, disarm, fire, water, tamper, a forced lock, TRIGGER) while a seeded schedule
  injects faults one after another (each kind once first, in a shuffled order, then at random):
    district-kill   SIGKILL the district broker, restart it on the same port after 1-8 s (the
                    first outage 8 s); alarms are raised during the outage and their arrival
                    after the return is timed
    hub-kill        kill -9 homesecd, restart it 0.2-3 s later
    home-restart    SIGTERM + restart the home broker 0.5-4 s later (retained state is lost)
    disk-full       fill the store's tmpfs with a filler file until ENOSPC, raise a burst of
                    alarms for 4-12 s, delete the filler. Variants (first three in this order):
                    free only; kill -9 while full, restart after the free; kill -9 while full,
                    restart while still full
    platform-offline  the platform client disconnects for 3-15 s, then comes back
    storm           3-8 s of fire/tamper alarms and restores every 50 ms, with a platform
                    status_request each time (heartbeats and events back to back)
  and all the time: the platform's ack mode changes every 5-15 s (normal / slow, 1-6 s /
  every other copy), the platform polls with status_request every 1-3 s, and hostile input is
  published on every topic homesecd reads on both brokers: invalid UTF-8 and long Chinese text
  on the local command topic, 1-8 MiB payloads and 8 MiB of '[' on zigbee2mqtt/bridge/devices,
  device topics and commands, wrong JSON types, unknown devices, retained junk, on the uplink
  command topic {"action":"note","text":1} and a patrol_check_in whose note is 167 Chinese
  characters (also retained), on the uplink ack topic non-JSON, forged acks for ids far above
  any seq the hub uses (never for real ids, unless --forged-real-acks), other hubs' ids.
  Then a bounded quiet phase (<= --quiet-s, default 60 s: faults off, normal acks, everything
  up) lets the outbox drain, homesecd is stopped with SIGTERM, and the hub's SQLite event log
  (events.report = 1 rows) is compared with what the platform received.

  The platform uses a persistent session (clean_session false) on a persistent broker: that is
  what a real receiver does so that events published while it restarts are queued for it, and
  it is the only way an alarm published in the moment the platform (or the broker) comes back
  is not dropped for lack of a subscriber. The hub's own resends would repair a clean session,
  but only after its 30 s ack timeout, which would be charged to the hub's outage latency.

Liveness (hangs): the platform must see a heartbeat at least every 3 x heartbeat_s (5 s)
  outside outages (+15 s after one), and a local command with a request id, sent every 3 s,
  must get its result within 8 s. On a hang the stacks are taken with gdb, then homesecd is
  killed and restarted so that the soak goes on.

Checks (one line each, then `soak: N passed, N failed`; exit status 1 on any failure)
  lost            reportable events in the hub's log, or seen on the hub's local event topic,
                  that never reached the platform (with that payload)
  two-payload     ids the platform received with two different payloads, or whose payload
                  differs from the hub's log (a reused seq)
  reorders        first deliveries out of seq order within a priority class (protocol §1.4)
                  that neither a lost first publish (resent after the 30 s ack timeout,
                  raised in a fault window) nor a seq reuse (counted under two-payload) explains
  crashes         homesecd exits the soak did not cause, and sanitizer / "terminate called"
                  lines in its log; each with the hostile messages sent just before it
  hangs           the liveness rules above, and no exit within 10 s of SIGTERM
  peak-rss        the largest VmHWM of any homesecd process < --rss-limit-mib (64)
  outage-return   p99 of (arrival at the platform - district broker back) for every alarm
                  raised during a district outage < 5 s

Run
  scripts/soak [MINUTES]                        (default 2; HOMESEC_BUILD_DIR, default build)
  /usr/bin/python3 tests/soak/soak.py --minutes 2 --build-dir build [--seed N] [--keep]
  --no-hostile (diagnosis only: what a crash on hostile input hides), --forged-real-acks
  (experiment: forge acks for seqs the hub is about to use; losses reported apart).
  The fault schedule is reproducible with --seed; thread interleavings are not.
  Needs root for the tmpfs mount (otherwise only the disk-full fault is skipped, loudly).
  Logs (homesecd.log, brokers, hostile.log, faults.log, platform.jsonl, hang stacks, a copy of
  the store) stay in the temporary directory it names when a check fails.
"""

import argparse
import errno
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime

import paho.mqtt.client as mqtt

HUB = "soak-hub-0001"
DISTRICT = "soak-district"
PIN = "4321"
HEARTBEAT_S = 5  # the smallest the config allows (uplink.heartbeat_s 5..86400)
LOCAL = f"homesec/{HUB}"
BASE = f"homesec/v1/{DISTRICT}/{HUB}"
LOCAL_ONLY_TYPES = {"wrong_code", "arming_refused", "arming_cancelled", "siren_silenced",
                    "watch_acknowledged", "patrol_check_in"}
MIB = 1024 * 1024


def now():
    return time.time()


def log(msg):
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def connectable(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_until(pred, timeout, step=0.05):
    until = now() + timeout
    while now() < until:
        if pred():
            return True
        time.sleep(step)
    return pred()


def rfc3339_to_epoch(text):
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except (ValueError, AttributeError):
        return None


def percentile(values, p):
    if not values:
        return None
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, int(round(p / 100.0 * len(ordered) + 0.5)) - 1))
    return ordered[k]


def describe(copy):
    """One line for an event copy: type, zone, time, text, and when it first arrived."""
    e = copy.get("json") or {}
    arrived = (f", arrived {time.strftime('%H:%M:%S', time.localtime(copy['t']))}"
               if "t" in copy else "")
    return (f"{e.get('type')} zone={e.get('zone')!r} time={e.get('time')} "
            f"text={str(e.get('text'))[:60]!r}{arrived}")


def stack_summary(path, frames=8):
    """The first frames of the main thread's backtrace in a hang evidence file."""
    try:
        with open(path, errors="replace") as f:
            lines = [l.rstrip() for l in f if l.startswith("#")]
    except OSError:
        return []
    return [l[:150] for l in lines[:frames]]


def tail(path, lines=60):
    try:
        with open(path, "rb") as f:
            return b"".join(f.readlines()[-lines:]).decode("utf-8", "replace")
    except OSError as e:
        return f"(cannot read {path}: {e})"


class Intervals:
    """Time windows during which something was down (for excusing gaps and explaining order)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.items = []  # [kind, start, end or None]

    def begin(self, kind):
        with self.lock:
            item = [kind, now(), None]
            self.items.append(item)
            return item

    def end(self, item):
        with self.lock:
            item[2] = now()

    def covering(self, t, slack=0.0, kinds=None):
        with self.lock:
            for kind, start, end in self.items:
                if kinds and kind not in kinds:
                    continue
                if start - slack <= t <= (end if end is not None else now()) + slack:
                    return kind
        return None

    def ongoing(self, kinds):
        with self.lock:
            return any(end is None for kind, _, end in self.items if kind in kinds)

    def last_end(self, kinds):
        with self.lock:
            return max((end for kind, _, end in self.items if kind in kinds and end), default=0.0)

    def any_since(self, t, kinds=None):
        """True if a window of these kinds was open at any time in [t, now]."""
        with self.lock:
            for kind, start, end in self.items:
                if kinds and kind not in kinds:
                    continue
                if (end is None or end >= t) and start <= now():
                    return True
        return False


class Broker:
    def __init__(self, workdir, name, persistent):
        self.name = name
        self.port = free_port()
        self.conf = os.path.join(workdir, f"{name}.conf")
        self.log_path = os.path.join(workdir, f"{name}.log")
        self.proc = None
        conf = [f"listener {self.port} 127.0.0.1", "allow_anonymous true", "set_tcp_nodelay true",
                "max_queued_messages 100000", "max_inflight_messages 100", "user root"]
        if persistent:
            data = os.path.join(workdir, f"{name}-data")
            os.makedirs(data, exist_ok=True)
            # Saved every 2 s: a SIGKILL loses what arrived since the last save, as a real crash.
            conf += ["persistence true", f"persistence_location {data}/",
                     f"persistence_file {name}.db", "autosave_interval 2"]
        else:
            conf.append("persistence false")
        with open(self.conf, "w") as f:
            f.write("\n".join(conf) + "\n")

    def start(self):
        logf = open(self.log_path, "ab")
        self.proc = subprocess.Popen(["/usr/sbin/mosquitto", "-c", self.conf], stdout=logf,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        logf.close()
        if not wait_until(lambda: connectable(self.port), 10):
            raise RuntimeError(f"{self.name} broker did not come up on port {self.port}")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


class MqttPeer:
    """A paho client with automatic reconnect (loop_start) and a message hook."""

    def __init__(self, name, port, clean=True, subscriptions=(), on_message=None):
        self.name = name
        self.port = port
        self.subscriptions = list(subscriptions)
        self.hook = on_message
        self.connected = threading.Event()
        self.client = mqtt.Client(client_id=name, clean_session=clean, protocol=mqtt.MQTTv311)
        self.client.reconnect_delay_set(min_delay=0.1, max_delay=0.5)
        self.client.max_inflight_messages_set(200)
        self.client.max_queued_messages_set(0)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = lambda c, u, rc: self.connected.clear()
        self.client.on_message = self._on_message
        self.running = False

    def _on_connect(self, client, userdata, flags, rc):
        if rc != 0:
            return
        for topic, qos in self.subscriptions:
            client.subscribe(topic, qos)
        self.connected.set()

    def _on_message(self, client, userdata, msg):
        if self.hook:
            try:
                self.hook(msg)
            except Exception as e:  # never let a bookkeeping error kill the network thread
                log(f"{self.name}: hook error {e!r}")

    def start(self, wait=10):
        self.client.connect_async("127.0.0.1", self.port, keepalive=10)
        self.client.loop_start()
        self.running = True
        return self.connected.wait(wait)

    def stop(self):
        if self.running:
            try:
                self.client.disconnect()
            finally:
                self.client.loop_stop()
                self.running = False
                self.connected.clear()

    def publish(self, topic, payload, qos=0, retain=False):
        try:
            self.client.publish(topic, payload, qos=qos, retain=retain)
        except (ValueError, OSError) as e:
            log(f"{self.name}: publish to {topic} failed: {e!r}")


class Platform:
    """The district platform: records everything, acks events per its mode."""

    def __init__(self, port, rng, intervals):
        self.lock = threading.Lock()
        self.rng = rng
        self.intervals = intervals
        self.mode = "normal"
        self.copies = 0
        self.events = []        # dicts: id, seq, payload, t, retain, dup
        self.heartbeats = []    # arrival times
        self.statuses = []      # (t, payload, retain)
        self.online_window = None
        self.slow_acks = []     # (due, id)
        self.polls = 0
        self.peer = MqttPeer("soak-platform", port, clean=False,
                             subscriptions=[(f"{BASE}/events", 1), (f"{BASE}/status", 1),
                                            (f"{BASE}/heartbeat", 0), (f"{BASE}/watch", 1)],
                             on_message=self._on_message)
        self.stop_flag = threading.Event()
        self.acker = threading.Thread(target=self._slow_ack_loop, daemon=True)

    def start(self):
        ok = self.peer.start()
        self.acker.start()
        return ok

    def _ack(self, event_id):
        self.peer.publish(f"{BASE}/ack", json.dumps({"id": event_id, "status": "received"}), 1)

    def _on_message(self, msg):
        t = now()
        if msg.topic.endswith("/heartbeat"):
            with self.lock:
                self.heartbeats.append(t)
            return
        if msg.topic.endswith("/status"):
            with self.lock:
                self.statuses.append((t, msg.payload.decode("utf-8", "replace"), msg.retain))
            return
        if not msg.topic.endswith("/events"):
            return
        try:
            event = json.loads(msg.payload)
            event_id = event["id"]
            seq = int(event["seq"])
        except (ValueError, KeyError, TypeError) as e:
            log(f"platform: unparseable event {msg.payload[:200]!r}: {e!r}")
            with self.lock:
                self.events.append({"id": None, "seq": None, "payload": msg.payload, "t": t,
                                    "retain": msg.retain, "dup": msg.dup, "json": None})
            return
        with self.lock:
            self.events.append({"id": event_id, "seq": seq, "payload": bytes(msg.payload), "t": t,
                                "retain": msg.retain, "dup": msg.dup, "json": event})
            self.copies += 1
            mode = self.mode
            copies = self.copies
        if mode == "normal":
            self._ack(event_id)
        elif mode == "slow":
            with self.lock:
                self.slow_acks.append((t + self.rng.uniform(1.0, 6.0), event_id))
        elif mode == "every_other":
            if copies % 2 == 0:
                self._ack(event_id)

    def _slow_ack_loop(self):
        """Sends the slow acks when due, and polls the hub with a status_request every 1-3 s
        (protocol §1.8: answered by a heartbeat at once), as a platform checking liveness."""
        next_poll = now() + 1.0
        while not self.stop_flag.wait(0.1):
            if now() >= next_poll and self.peer.connected.is_set():
                self.peer.publish(f"{BASE}/command", json.dumps({"action": "status_request"}), 1)
                self.polls += 1
                next_poll = now() + self.rng.uniform(1.0, 3.0)
            due = []
            with self.lock:
                keep = []
                for item in self.slow_acks:
                    (due if item[0] <= now() else keep).append(item)
                self.slow_acks = keep
            for _, event_id in due:
                self._ack(event_id)

    def max_seq(self):
        with self.lock:
            return max((e["seq"] for e in self.events if e["seq"] is not None), default=0)

    def set_mode(self, mode):
        with self.lock:
            self.mode = mode
            if mode == "normal":  # pending slow acks go out now
                due, self.slow_acks = self.slow_acks, []
            else:
                due = []
        for _, event_id in due:
            self._ack(event_id)

    def go_offline(self):
        self.online_window = self.intervals.begin("platform-offline")
        self.peer.stop()

    def go_online(self):
        self.peer.start(wait=10)
        if self.online_window:
            self.intervals.end(self.online_window)
            self.online_window = None

    def stop(self):
        self.stop_flag.set()
        self.peer.stop()


class Hub:
    """homesecd: start, kill -9, SIGTERM, crash and hang watch, RSS sampling."""

    def __init__(self, args, workdir, config_path, intervals, platform):
        self.binary = os.path.join(args.build_dir, "daemon", "homesecd")
        self.config_path = config_path
        self.log_path = os.path.join(workdir, "homesecd.log")
        self.workdir = workdir
        self.intervals = intervals
        self.platform = platform
        self.lock = threading.RLock()
        self.proc = None
        self.expected_exit = False
        self.started_at = 0.0
        self.down_window = None
        self.starts = 0
        self.crashes = []       # dicts: t, rc, note
        self.hangs = []         # dicts: t, gap, evidence path
        self.rss_peak_kib = 0
        self.rss_by_pid = {}
        self.rss_jumps = []     # (t, kib before, kib after): growth of >= 4 MiB in one sample
        self.exits = []         # (t, pid, rc, expected)
        self.stop_flag = threading.Event()
        self.monitor = threading.Thread(target=self._monitor_loop, daemon=True)
        self.watching = False
        self.probe_peer = None      # set by Soak: the local client that sends probes
        self.probe_results = {}     # request_id -> arrival time of its command/result
        self.probe = None
        self.probe_count = 0
        self.last_probe = 0.0
        self.probe_rtts = []

    def _mark(self, text):
        with open(self.log_path, "ab") as f:
            f.write(f"===== soak {time.strftime('%H:%M:%S')}: {text} =====\n".encode())

    def start(self):
        with self.lock:
            if self.proc and self.proc.poll() is None:
                return  # already running (a crash restart got there first)
            self._mark("starting homesecd")
            logf = open(self.log_path, "ab")
            self.proc = subprocess.Popen([self.binary, "--config", self.config_path],
                                         stdout=logf, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, cwd=self.workdir)
            logf.close()
            self.expected_exit = False
            self.started_at = now()
            self.starts += 1
            if self.down_window:
                self.intervals.end(self.down_window)
                self.down_window = None

    def wait_online(self, timeout=10.0):
        with self.platform.lock:
            before = len(self.platform.statuses)

        def online():
            with self.platform.lock:
                return any(p == "online" for _, p, _ in self.platform.statuses[before:])
        return wait_until(online, timeout)

    def pid(self):
        with self.lock:
            return self.proc.pid if self.proc and self.proc.poll() is None else None

    def running(self):
        return self.pid() is not None

    def kill9(self, reason):
        with self.lock:
            if not self.proc or self.proc.poll() is not None:
                return False
            self.expected_exit = True
            self._mark(f"kill -9 ({reason})")
            self.down_window = self.intervals.begin("hub-down")
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
            self._record_exit(self.proc, expected=True)
            return True

    def terminate(self, timeout=10.0):
        """Clean stop; returns the exit code, or None if it did not exit in time (a hang)."""
        with self.lock:
            if not self.proc or self.proc.poll() is not None:
                return "not running"
            self.expected_exit = True
            self._mark("SIGTERM (clean stop)")
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self._capture_stacks("no exit within %.0f s of SIGTERM" % timeout)
                self.proc.kill()
                self.proc.wait(10)
                self._record_exit(self.proc, expected=True)
                return None
            self._record_exit(self.proc, expected=True)
            return rc

    def _record_exit(self, proc, expected):
        if getattr(proc, "_soak_recorded", False):
            return
        proc._soak_recorded = True
        self.exits.append((now(), proc.pid, proc.returncode, expected))

    def _last_what(self):
        """The exception text of the last 'terminate called' in the log, if any."""
        text = tail(self.log_path, 8)
        for line in reversed(text.splitlines()):
            if "what():" in line or "terminate called" in line or "Sanitizer" in line:
                return line.strip()[:160]
        return ""

    def _sample_rss(self, pid):
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        kib = int(line.split()[1])
                        before = self.rss_by_pid.get(pid, 0)
                        if before and kib >= before + 4096:
                            self.rss_jumps.append((now(), before, kib))
                        self.rss_by_pid[pid] = max(before, kib)
                        self.rss_peak_kib = max(self.rss_peak_kib, kib)
        except (OSError, ValueError):
            pass

    def _capture_stacks(self, why):
        pid = self.pid()
        path = os.path.join(self.workdir, f"hang-{int(now())}.txt")
        with open(path, "w") as out:
            out.write(f"{why}\npid {pid}\n")
            if pid:
                for name in ("wchan", "stat"):
                    try:
                        with open(f"/proc/{pid}/{name}") as f:
                            out.write(f"{name}: {f.read().strip()}\n")
                    except OSError:
                        pass
                out.flush()
                if shutil.which("gdb"):
                    try:
                        subprocess.run(["gdb", "-batch", "-p", str(pid), "-ex",
                                        "thread apply all bt"], stdout=out,
                                       stderr=subprocess.STDOUT, timeout=60)
                    except subprocess.TimeoutExpired:
                        out.write("gdb timed out\n")
        return path

    def _monitor_loop(self):
        """Every 0.25 s: RSS, unexpected exits (restarted), heartbeat silence (hang)."""
        while not self.stop_flag.wait(0.25):
            with self.lock:
                proc = self.proc
                if proc is None:
                    continue
                rc = proc.poll()
                if rc is None:
                    self._sample_rss(proc.pid)
                elif not self.expected_exit and not getattr(proc, "_soak_recorded", False):
                    self._record_exit(proc, expected=False)
                    note = f"homesecd pid {proc.pid} exited by itself: " + (
                        f"signal {-rc} ({signal.Signals(-rc).name})" if rc < 0 else f"status {rc}")
                    log("CRASH: " + note)
                    self._mark("CRASH: " + note)
                    self.crashes.append({"t": now(), "rc": rc, "note": note,
                                         "what": self._last_what(),
                                         "after_start": now() - self.started_at < 3.0})
                    self.down_window = self.intervals.begin("hub-down")
                    if self.watching and len(self.crashes) <= 1000:
                        # A crash loop (e.g. on a retained message) restarts more slowly.
                        time.sleep(0.5 if now() - self.started_at > 5.0 else 2.0)
                        self.start()
                    continue
            if self.watching:
                self._check_heartbeat()
                self._check_probe()

    def _check_heartbeat(self):
        """No heartbeat for > 3 x heartbeat_s, counted from the latest of: the last heartbeat,
        this process's start + 5 s, and the end of the last outage of the district broker, the
        platform or homesecd + 15 s (the longest reconnect backoff the protocol documents)."""
        limit = 3 * HEARTBEAT_S
        kinds = {"district-down", "platform-offline", "hub-down"}
        t = now()
        if not self.running() or self.intervals.ongoing(kinds):
            return
        with self.platform.lock:
            last = self.platform.heartbeats[-1] if self.platform.heartbeats else 0.0
        since = max(last, self.started_at + 5.0, self.intervals.last_end(kinds) + 15.0)
        if t - since <= limit:
            return
        self._hang(f"no heartbeat on the uplink for {t - max(last, self.started_at):.1f} s "
                   f"(limit {limit} s after the last outage + 15 s)", t - max(last,
                                                                          self.started_at))

    def _check_probe(self):
        """A local command with a request id every 3 s; its result must come within 8 s while
        the home broker is up. The daemon is one thread: a deadlock anywhere stops this too."""
        if self.probe_peer is None:
            return
        t = now()
        pid = self.pid()
        home_kinds = {"home-down", "hub-down"}
        if self.probe is not None:
            probe_id, sent, probe_pid = self.probe
            if probe_id in self.probe_results:
                self.probe = None
                self.probe_rtts.append(self.probe_results[probe_id] - sent)
            elif pid != probe_pid or self.intervals.any_since(sent, kinds=home_kinds):
                self.probe = None  # restarted or its broker went away meanwhile: not valid
            elif t - sent > 8.0:
                self.probe = None
                self._hang(f"no result for local command {probe_id} within 8 s", t - sent)
            return
        if (pid is None or t - self.started_at < 5.0 or self.intervals.ongoing(home_kinds)
                or t - self.intervals.last_end(home_kinds) < 5.0 or t - self.last_probe < 3.0):
            return
        self.last_probe = t
        self.probe_count += 1
        probe_id = f"soak-probe-{self.probe_count}"
        self.probe = (probe_id, t, pid)
        self.probe_peer.publish(f"{LOCAL}/command", json.dumps(
            {"action": "STATUS", "request_id": probe_id}), 1)

    def _hang(self, why, gap):
        log(f"HANG: {why}; capturing stacks")
        path = self._capture_stacks(why)
        self.hangs.append({"t": now(), "gap": gap, "why": why, "evidence": path})
        self._mark(f"HANG: {why}; stacks in {path}; kill -9 to go on")
        self.kill9("hang recovery")
        time.sleep(0.5)
        self.start()


def drive_sim(root, chip, line, level):
    """Sets a simulated GPIO input: an edge through the FIFO if homesecd holds the line, else
    the value file read at the next start (docs/gpio.md)."""
    d = os.path.join(root, chip, str(line))
    text = b"1\n" if level else b"0\n"
    try:
        fd = os.open(os.path.join(d, "edges"), os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(fd, text)
        finally:
            os.close(fd)
        return
    except OSError as e:
        if e.errno not in (errno.ENXIO, errno.ENOENT, errno.EAGAIN):
            raise
    os.makedirs(d, exist_ok=True)
    tmp = os.path.join(d, ".value.tmp")
    with open(tmp, "wb") as f:
        f.write(text[:1])
    os.rename(tmp, os.path.join(d, "value"))


def make_config(workdir, store_dir, home_port, district_port):
    def zb(dev_id):
        return {"id": dev_id, "zigbee": dev_id}
    return {
        "hub": {"id": HUB, "district": DISTRICT, "name": "Soak Test Flat"},
        "storage": {"path": os.path.join(store_dir, "homesec.db")},
        "local_mqtt": {"host": "127.0.0.1", "port": home_port, "zigbee2mqtt_base": "zigbee2mqtt",
                       "keepalive_s": 5},
        "uplink": {"host": "127.0.0.1", "port": district_port, "prefix": "homesec/v1",
                   "heartbeat_s": HEARTBEAT_S, "keepalive_s": 5},
        "devices": [
            zb("front_door"), zb("kitchen_window"), zb("hall_motion"), zb("kitchen_smoke"),
            zb("bathroom_leak"), zb("front_door_lock"), zb("hall_keypad"),
            {"id": "bedroom_latch",
             "gpio": {"chip": "sim0", "line": 3, "active_low": False, "role": "latch"}},
            {"id": "siren_box",
             "gpio": {"chip": "sim0", "line": 5, "active_low": False, "role": "tamper"}},
        ],
        "zones": [
            {"id": "front_door", "type": "entry_exit", "device": "front_door",
             "property": "contact", "swinger_limit": 0},
            {"id": "front_door_tamper", "type": "tamper_24h", "device": "front_door",
             "property": "tamper", "swinger_limit": 0},
            {"id": "kitchen_window", "type": "perimeter", "device": "kitchen_window",
             "property": "contact", "swinger_limit": 0},
            {"id": "hall_motion", "type": "interior", "device": "hall_motion",
             "property": "occupancy", "swinger_limit": 0},
            {"id": "bedroom_window", "type": "perimeter", "device": "bedroom_latch",
             "property": "latch", "swinger_limit": 0},
            {"id": "kitchen_smoke", "type": "fire_24h", "device": "kitchen_smoke",
             "swinger_limit": 0},
            {"id": "bathroom_leak", "type": "water_24h", "device": "bathroom_leak",
             "swinger_limit": 0},
            {"id": "front_lock", "type": "lock", "device": "front_door_lock", "swinger_limit": 0},
            {"id": "siren_box_tamper", "type": "tamper_24h", "device": "siren_box",
             "swinger_limit": 0},
        ],
        "outputs": [
            {"id": "hall_siren", "kind": "siren", "zigbee": "hallway_siren", "level": "high"},
            {"id": "hall_keypad_out", "kind": "keypad", "zigbee": "hall_keypad"},
            {"id": "siren_relay", "kind": "siren", "gpio": {"chip": "sim0", "line": 22}},
            {"id": "electronic_dog", "kind": "deterrent", "gpio": {"chip": "sim0", "line": 23}},
        ],
        "modes": {"armed_away": {"exit_delay_s": 0, "entry_delay_s": 2, "siren_s": 3},
                  "armed_home": {"exit_delay_s": 0, "entry_delay_s": 2, "siren_s": 3}},
        "codes": {"max_wrong": 50, "wrong_window_s": 10, "lockout_s": 10},
        "sim_gpio_dir": os.path.join(workdir, "sim"),
        "log_level": "info",
    }


class Driver:
    """Produces alarms, restores and arming events continuously through the hub's real inputs."""

    def __init__(self, peer, sim_dir, rng):
        self.peer = peer
        self.sim_dir = sim_dir
        self.rng = rng
        self.n = 0
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def zigbee(self, name, payload):
        self.peer.publish(f"zigbee2mqtt/{name}", json.dumps(payload), 0)

    def command(self, payload):
        self.n += 1
        self.peer.publish(f"{LOCAL}/command", payload if isinstance(payload, str) else
                          json.dumps(payload), 1)

    def contact(self, name, closed, tamper=False):
        self.zigbee(name, {"battery": 100, "battery_low": False, "contact": closed,
                           "linkquality": 120, "tamper": tamper, "voltage": 3005})

    def all_closed(self):
        self.contact("front_door", True)
        self.contact("kitchen_window", True)
        self.zigbee("hall_motion", {"battery": 100, "illuminance": 12, "linkquality": 90,
                                    "occupancy": False})
        self.smoke(False)
        self.leak(False)
        self.zigbee("front_door_lock", {"battery": 98, "linkquality": 96, "lock_state": "locked",
                                        "state": "LOCK", "door_state": "closed"})
        drive_sim(self.sim_dir, "sim0", 3, False)
        drive_sim(self.sim_dir, "sim0", 5, False)

    def smoke(self, on):
        self.zigbee("kitchen_smoke", {"battery": 100, "battery_low": False, "linkquality": 81,
                                      "smoke": on, "tamper": False, "voltage": 3075})

    def leak(self, on):
        self.zigbee("bathroom_leak", {"battery": 100, "battery_low": False, "linkquality": 60,
                                      "water_leak": on, "tamper": False, "voltage": 3005})

    def keypad(self, action):
        """A Zigbee keypad request, as Zigbee2MQTT publishes it (the hub answers on .../set)."""
        self.n += 1
        self.zigbee("hall_keypad", {"action": action, "action_code": PIN,
                                    "action_transaction": self.n % 256, "action_zone": 0,
                                    "battery": 100, "linkquality": 54, "occupancy": True})

    def arm(self):
        if self.rng.random() < 0.3:
            return self.keypad(self.rng.choice(["arm_all_zones", "arm_day_zones"]))
        self.command({"action": self.rng.choice(["ARM_AWAY", "ARM_HOME"]), "code": PIN,
                      "request_id": f"soak-arm-{self.n}"})

    def disarm(self):
        if self.rng.random() < 0.3:
            return self.keypad("disarm")
        self.command({"action": "DISARM", "code": PIN, "request_id": f"soak-disarm-{self.n}"})

    def alarm_now(self):
        """An alarm that does not depend on the armed state (used during outages)."""
        self.command("TRIGGER")
        self.smoke(True)
        time.sleep(0.2)
        self.smoke(False)

    def _pause(self, a=0.2, b=0.6):
        return self.stop_flag.wait(self.rng.uniform(a, b))

    def _cycle(self):
        steps = [
            lambda: self.all_closed(),
            lambda: self.arm(),
            lambda: self.contact("kitchen_window", False),       # burglary (perimeter)
            lambda: self.contact("kitchen_window", True),        # restore
            lambda: drive_sim(self.sim_dir, "sim0", 3, True),    # GPIO latch open: burglary
            lambda: drive_sim(self.sim_dir, "sim0", 3, False),
            lambda: self.zigbee("hall_motion", {"occupancy": True, "battery": 100,
                                                "linkquality": 90}),
            lambda: self.zigbee("hall_motion", {"occupancy": False, "battery": 100,
                                                "linkquality": 90}),
            lambda: self.disarm(),
            lambda: self.smoke(True),                            # fire (24 h)
            lambda: self.smoke(False),
            lambda: self.leak(True),                             # water (24 h)
            lambda: self.leak(False),
            lambda: self.contact("front_door", True, tamper=True),  # tamper (24 h)
            lambda: self.contact("front_door", True, tamper=False),
            lambda: drive_sim(self.sim_dir, "sim0", 5, True),    # GPIO tamper loop cut
            lambda: drive_sim(self.sim_dir, "sim0", 5, False),
            lambda: self.zigbee("front_door_lock", {"door_state": "error_forced_open"}),
            lambda: self.zigbee("front_door_lock", {"door_state": "closed",
                                                    "lock_state": "locked", "state": "LOCK"}),
            lambda: self.command("TRIGGER"),                     # manual trigger
            lambda: self.disarm(),
        ]
        for step in steps:
            if self.stop_flag.is_set():
                return
            try:
                step()
            except OSError as e:
                log(f"driver: {e!r}")
            if self._pause():
                return

    def _loop(self):
        for _ in range(100000):  # bounded; stops long before
            if self.stop_flag.is_set():
                return
            self._cycle()

    def start(self):
        self.thread.start()

    def stop(self):
        self.stop_flag.set()
        self.thread.join(30)


def hostile_catalog(rng):
    """(broker, topic, payload, qos, retain) tuples; the big ones are built lazily."""
    zh = "布防撤防报警门窗传感器智能锁巡逻"
    long_zh = (zh * 300)[:3000]            # ~9 KB of UTF-8, over the 4096-byte command cap
    note_167 = ("巡逻民警已检查后门一切正常" * 13)[:167]
    home = "home"
    dist = "district"
    cmd = f"{LOCAL}/command"
    items = [
        (home, cmd, b"ARM\xff", 1, False),
        (home, cmd, b"\xff\xfe\xfd", 0, False),
        (home, cmd, b'{"action":"ARM_AWAY","code":"\xff\xfe"}', 1, False),
        (home, cmd, b'{"action":"\xc3\x28","request_id":"\xed\xa0\x80"}', 1, False),
        (home, cmd, b'{"action":"DISARM","code":"12\x0034"}', 1, False),
        (home, cmd, "撤防".encode(), 1, False),
        (home, cmd, long_zh.encode(), 1, False),
        (home, cmd, json.dumps({"action": "ARM_AWAY", "code": PIN, "request_id": long_zh[:1500]},
                               ensure_ascii=False).encode(), 1, False),
        (home, cmd, json.dumps({"action": 1}).encode(), 1, False),
        (home, cmd, json.dumps({"action": None, "code": []}).encode(), 1, False),
        (home, cmd, json.dumps({"action": "ARM_AWAY", "code": 4321}).encode(), 1, False),
        (home, cmd, json.dumps({"action": "WATCH_START", "code": "0000", "watch": 5}).encode(),
         1, False),
        (home, cmd, json.dumps({"action": "PATROL_CHECK_IN", "note": "x"}).encode(), 1, False),
        (home, cmd, b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 1, False),
        (home, cmd, b'{"action":"ARM_HOME"', 1, False),
        (home, cmd, b"", 1, False),
        (home, cmd, b"ARM\xff", 1, True),                       # retained junk command
        (home, "zigbee2mqtt/bridge/devices", b"\xff\xff not json", 0, False),
        (home, "zigbee2mqtt/bridge/devices", b'{"not":"a list"}', 0, True),
        (home, "zigbee2mqtt/bridge/devices", json.dumps([{"friendly_name": 5, "definition":
                                                          {"exposes": "x"}}]).encode(), 0, False),
        (home, "zigbee2mqtt/bridge/devices", json.dumps(
            [{"friendly_name": "kitchen_smoke", "definition": {"exposes": [{"type": 7}]}}]
        ).encode(), 0, False),
        (home, "zigbee2mqtt/bridge/state", b"\xfe\xfe", 0, False),
        (home, "zigbee2mqtt/bridge/state", json.dumps({"state": ["online"]}).encode(), 0, False),
        (home, "zigbee2mqtt/bridge/event", json.dumps({"type": 1, "data": "x"}).encode(), 0,
         False),
        (home, "zigbee2mqtt/front_door", json.dumps({"contact": "yes"}).encode(), 0, False),
        (home, "zigbee2mqtt/front_door", json.dumps(["contact", True]).encode(), 0, False),
        (home, "zigbee2mqtt/kitchen_smoke", json.dumps({"smoke": "true", "battery": "x"}).encode(),
         0, False),
        (home, "zigbee2mqtt/bathroom_leak", json.dumps({"water_leak": 5}).encode(), 0, False),
        (home, "zigbee2mqtt/front_door_lock", json.dumps({"lock_state": 3, "action": []}).encode(),
         0, False),
        (home, "zigbee2mqtt/hall_motion", b'{"occupancy": tru', 0, False),
        (home, "zigbee2mqtt/hall_motion", "{\"occupancy\":\"有人\"}".encode(), 0, False),
        (home, "zigbee2mqtt/front_door/availability", b"\xff", 0, False),
        (home, "zigbee2mqtt/front_door/availability", json.dumps({"state": 1}).encode(), 0,
         False),
        (home, "zigbee2mqtt/no_such_device", json.dumps({"contact": False}).encode(), 0, False),
        (home, "zigbee2mqtt/未知设备", json.dumps({"smoke": True}).encode(), 0, False),
        (home, "zigbee2mqtt/no_such_device", b"\x00\x01\x02", 0, True),  # retained junk
        (home, "zigbee2mqtt/kitchen_window", b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", 0, False),
        (dist, f"{BASE}/command", json.dumps({"action": "note", "text": 1}).encode(), 1, False),
        (dist, f"{BASE}/command", json.dumps({"action": "patrol_check_in", "officer": "巡逻7",
                                              "note": note_167, "request_id": "p-soak"},
                                             ensure_ascii=False).encode(), 1, False),
        (dist, f"{BASE}/command", json.dumps({"action": "patrol_check_in", "note": note_167},
                                             ensure_ascii=False).encode(), 1, True),  # retained
        (dist, f"{BASE}/command", json.dumps({"action": "patrol_check_in", "note": 5}).encode(),
         1, False),
        (dist, f"{BASE}/command", b'{"action":"note","text":"\xff\xfe"}', 1, False),
        (dist, f"{BASE}/command", b"\xff\xfe\xfd", 1, False),
        (dist, f"{BASE}/command", json.dumps({"action": "silence_siren", "request_id": 7}).encode(),
         1, False),
        (dist, f"{BASE}/command", json.dumps({"action": "status_request"}).encode(), 1, False),
        (dist, f"{BASE}/command", json.dumps({"action": ["x"]}).encode(), 1, False),
        (dist, f"{BASE}/command", b"[" * 5000, 1, False),
        (dist, f"{BASE}/ack", b"not json at all", 1, False),
        (dist, f"{BASE}/ack", b"\xff\xfe", 1, False),
        (dist, f"{BASE}/ack", json.dumps({"id": f"{HUB}:{rng.randint(10**9, 2 * 10**9)}",
                                          "status": "received"}).encode(), 1, False),
        (dist, f"{BASE}/ack", json.dumps({"id": f"{HUB}:{rng.randint(10**9, 2 * 10**9)}",
                                          "status": "closed", "note": "伪造"}, ensure_ascii=False
                                         ).encode(), 1, False),
        (dist, f"{BASE}/ack", json.dumps({"id": "other-hub:3", "status": "received"}).encode(),
         1, False),
        (dist, f"{BASE}/ack", json.dumps({"id": f"{HUB}:abc", "status": "received"}).encode(),
         1, False),
        (dist, f"{BASE}/ack", json.dumps({"id": f"{HUB}:-5", "status": "received"}).encode(),
         1, False),
        (dist, f"{BASE}/ack", json.dumps({"id": f"{HUB}:99999999999999999999999",
                                          "status": "received"}).encode(), 1, False),
        (dist, f"{BASE}/ack", json.dumps({"id": None, "status": 1}).encode(), 1, False),
        (dist, f"{BASE}/ack", json.dumps({"id": f"{HUB}:{10**9 + 7}", "status": "lost"}).encode(),
         1, False),
        (dist, f"{BASE}/ack", json.dumps({"watch_id": 5, "status": "Registered!"}).encode(), 1,
         False),
        (dist, f"{BASE}/ack", json.dumps({"watch_id": "watch-1", "status": "registered"}).encode(),
         1, False),
        (dist, f"{BASE}/ack", json.dumps({"id": f"{HUB}:{10**9 + 11}", "status": "received"}
                                         ).encode(), 1, True),  # retained forged ack
        (dist, f"{BASE}/ack", b"{" * 20000, 1, False),
    ]
    return items


def huge_payload(rng):
    """A 1-8 MiB payload: deep nesting, a long JSON string, or invalid bytes."""
    size = rng.randint(1, 8) * MIB
    kind = rng.choice(["nest", "string", "binary", "array"])
    if kind == "nest":
        return b"[" * size, f"{size // MIB} MiB of '['"
    if kind == "string":
        return b'{"contact":"' + b"x" * size + b'"}', f"{size // MIB} MiB JSON string"
    if kind == "array":
        return b"[" + b"1," * (size // 2) + b"1]", f"{size // MIB} MiB JSON array"
    return bytes(rng.getrandbits(8) for _ in range(4096)) * (size // 4096), \
        f"{size // MIB} MiB random bytes"


class Hostile:
    """Publishes the hostile catalog and huge payloads on both brokers, seeded."""

    HUGE_TOPICS = [("home", "zigbee2mqtt/bridge/devices"), ("home", "zigbee2mqtt/front_door"),
                   ("home", "zigbee2mqtt/kitchen_smoke"), ("home", f"{LOCAL}/command"),
                   ("district", f"{BASE}/command"), ("district", f"{BASE}/ack")]

    def __init__(self, home_port, district_port, rng, rate_s=0.5, huge_every_s=12.0,
                 real_ack_source=None, enabled=True):
        self.rng = rng
        self.enabled = enabled
        # --forged-real-acks: a function giving the highest seq the platform has seen; acks are
        # then forged for the next few seqs, ids the hub is about to use (a separate experiment).
        self.real_ack_source = real_ack_source
        self.forged_real = set()
        self.peers = {"home": MqttPeer("soak-hostile-home", home_port),
                      "district": MqttPeer("soak-hostile-district", district_port)}
        self.catalog = hostile_catalog(rng)
        self.rate_s = rate_s
        self.huge_every_s = huge_every_s
        self.sent = 0
        self.huge_sent = []
        self.history = []  # (t, broker, topic, short description, retain): crash attribution
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def start(self):
        for p in self.peers.values():
            p.start()
        if self.enabled:
            self.thread.start()

    def suspects(self, t, window=1.5):
        """The hostile messages sent just before t, and the retained ones sent before it."""
        recent = [h for h in self.history if t - window <= h[0] <= t]
        retained = [h for h in self.history if h[4] and h[0] <= t]
        return recent[-4:], retained

    def _loop(self):
        # Every catalog entry once first, then random ones.
        order = list(range(len(self.catalog)))
        next_huge = now() + 3.0
        for i in range(1000000):
            if self.stop_flag.wait(self.rng.uniform(0.5, 1.5) * self.rate_s):
                return
            idx = order[i] if i < len(order) else self.rng.randrange(len(self.catalog))
            broker, topic, payload, qos, retain = self.catalog[idx]
            self.peers[broker].publish(topic, payload, qos, retain)
            self.sent += 1
            self.history.append((now(), broker, topic, repr(payload[:90]), retain))
            if self.real_ack_source and i % 10 == 0:
                seq = self.real_ack_source() + self.rng.randint(1, 3)
                self.forged_real.add(f"{HUB}:{seq}")
                self.peers["district"].publish(f"{BASE}/ack", json.dumps(
                    {"id": f"{HUB}:{seq}", "status": "received"}), 1)
            if now() >= next_huge:
                broker, topic = self.rng.choice(self.HUGE_TOPICS)
                payload, what = huge_payload(self.rng)
                self.peers[broker].publish(topic, payload, 0, False)
                self.huge_sent.append((now(), topic, what))
                self.history.append((now(), broker, topic, what, False))
                self.sent += 1
                next_huge = now() + self.huge_every_s * self.rng.uniform(0.7, 1.3)

    def stop(self):
        self.stop_flag.set()
        if self.thread.is_alive():
            self.thread.join(30)
        # Clear the retained junk (also harmless if a topic had none).
        for broker, topic, _, _, retain in self.catalog:
            if retain:
                self.peers[broker].publish(topic, b"", 1, True)
        time.sleep(0.5)
        for p in self.peers.values():
            p.stop()


class Store:
    """The store directory on a small tmpfs that can be filled and freed."""

    def __init__(self, workdir, size_mib):
        self.dir = os.path.join(workdir, "store")
        os.makedirs(self.dir, exist_ok=True)
        self.mounted = False
        self.skip_reason = None
        self.filler = os.path.join(self.dir, "filler")
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mib}m,mode=0755", "tmpfs",
                            self.dir], capture_output=True, text=True)
        if r.returncode == 0:
            self.mounted = True
        else:
            self.skip_reason = f"mount -t tmpfs failed: {(r.stderr or r.stdout).strip()}"

    def checkpoint(self):
        """Truncates the store's WAL through SQLite (another connection, as homesecctl's), so
        that the daemon's next commit must allocate: on a full tmpfs, the WAL file's already
        allocated pages would otherwise take hundreds of commits before anything fails."""
        db = os.path.join(self.dir, "homesec.db")
        try:
            con = sqlite3.connect(db, timeout=5)
            con.execute("PRAGMA busy_timeout = 2000")
            result = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            con.close()
            return result
        except sqlite3.Error as e:
            return repr(e)

    def fill(self):
        """Writes the filler until ENOSPC; returns the bytes written."""
        written = 0
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            for chunk in (MIB, 4096, 512):
                block = b"\0" * chunk
                for _ in range(100000):
                    try:
                        n = os.write(fd, block)
                    except OSError as e:
                        if e.errno in (errno.ENOSPC, errno.EFBIG):
                            break
                        raise
                    written += n
                    if n < chunk:
                        break
        finally:
            os.close(fd)
        return written

    def free(self):
        try:
            os.unlink(self.filler)
        except FileNotFoundError:
            pass

    def unmount(self):
        if self.mounted:
            r = subprocess.run(["umount", self.dir], capture_output=True)
            if r.returncode != 0:
                subprocess.run(["umount", "-l", self.dir], capture_output=True)
            self.mounted = False


class Soak:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.workdir = tempfile.mkdtemp(prefix="homesec-soak-")
        os.chmod(self.workdir, 0o755)
        self.intervals = Intervals()
        self.faults = []          # dicts: kind, t, detail
        self.outages = []         # district: (down_t, up_t)
        self.disk_windows = []    # (full_t, free_t, filled bytes)
        self.local_events = []    # (t, id, payload, json) from the hub's local event topic
        self.local_lock = threading.Lock()
        self.procs_to_clean = []
        self.store = None
        self.hub = None

    # ----- setup -----

    def setup(self):
        a = self.args
        self.home = Broker(self.workdir, "home", persistent=False)
        self.district = Broker(self.workdir, "district", persistent=True)
        self.home.start()
        self.district.start()
        self.store = Store(self.workdir, a.store_mib)
        if not self.store.mounted:
            log("!!!!! " + self.store.skip_reason + ": the disk-full fault is SKIPPED !!!!!")
        self.sim_dir = os.path.join(self.workdir, "sim")
        os.makedirs(self.sim_dir, exist_ok=True)
        drive_sim(self.sim_dir, "sim0", 3, False)
        drive_sim(self.sim_dir, "sim0", 5, False)
        self.config_path = os.path.join(self.workdir, "homesec.json")
        with open(self.config_path, "w") as f:
            json.dump(make_config(self.workdir, self.store.dir, self.home.port,
                                  self.district.port), f, indent=2)
        ctl = os.path.join(a.build_dir, "tools", "homesecctl")
        if not os.path.exists(ctl):
            ctl = shutil.which("homesecctl") or ctl
        r = subprocess.run([ctl, "--config", self.config_path, "user", "add", "alice", "--role",
                            "master", "--pin-stdin"], input=PIN + "\n", capture_output=True,
                           text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"homesecctl user add failed ({r.returncode}): {r.stderr}")
        self.platform = Platform(self.district.port, random.Random(a.seed + 1), self.intervals)
        if not self.platform.start():
            raise RuntimeError("platform client could not connect")
        self.observer = MqttPeer("soak-local-observer", self.home.port,
                                 subscriptions=[(f"{LOCAL}/event", 1),
                                                (f"{LOCAL}/command/result", 1)],
                                 on_message=self._on_local_event)
        self.observer.start()
        # What left the hub: every event the district broker forwarded, whether or not the
        # platform was there (clean session, so it sees live traffic only).
        self.wire = {}
        self.wire_lock = threading.Lock()
        self.wire_peer = MqttPeer("soak-wire-observer", self.district.port,
                                  subscriptions=[(f"{BASE}/events", 1)],
                                  on_message=self._on_wire)
        self.wire_peer.start()
        self.driver_peer = MqttPeer("soak-driver", self.home.port)
        self.driver_peer.start()
        self.driver = Driver(self.driver_peer, self.sim_dir, random.Random(a.seed + 2))
        self.hub = Hub(a, self.workdir, self.config_path, self.intervals, self.platform)
        self.hub.start()
        if not self.hub.wait_online(15):
            raise RuntimeError("homesecd did not come online on the district broker:\n" +
                               tail(self.hub.log_path))
        self.hub.probe_peer = self.driver_peer
        self.hub.watching = True
        self.hub.monitor.start()
        self.hostile = Hostile(self.home.port, self.district.port, random.Random(a.seed + 3),
                               real_ack_source=self.platform.max_seq if a.forged_real_acks
                               else None, enabled=not a.no_hostile)

    def _on_wire(self, msg):
        try:
            event = json.loads(msg.payload)
            eid = event["id"]
        except (ValueError, KeyError, TypeError):
            return
        with self.wire_lock:
            self.wire.setdefault(eid, []).append(event)

    def _on_local_event(self, msg):
        try:
            event = json.loads(msg.payload)
        except ValueError:
            return
        if msg.topic.endswith("/command/result"):
            if isinstance(event, dict) and str(event.get("request_id", "")).startswith("soak-probe"):
                self.hub.probe_results[event["request_id"]] = now()
            return
        if not isinstance(event, dict) or "seq" not in event or "id" not in event:
            return  # dispatch notices and the like
        with self.local_lock:
            self.local_events.append((now(), event["id"], bytes(msg.payload), event))

    # ----- faults -----

    def fault(self, kind, **detail):
        self.faults.append({"kind": kind, "t": now(), **detail})
        log(f"fault {kind} {detail if detail else ''}")

    def f_district_kill(self):
        # The first outage is the longest (8 s): it is the one a slow reconnect backoff delays.
        down_s = 8.0 if not self.outages else self.rng.uniform(1.0, 8.0)
        window = self.intervals.begin("district-down")
        self.district.stop(signal.SIGKILL)
        down_t = now()
        self.fault("district-kill", down_s=round(down_s, 1))
        time.sleep(min(0.5, down_s / 2))
        self.driver.alarm_now()              # alarms raised while the uplink is gone
        time.sleep(max(0.0, down_s - 0.7))
        self.driver.command("TRIGGER")
        time.sleep(0.2)
        self.district.start()
        up_t = now()
        self.intervals.end(window)
        self.outages.append((down_t, up_t))

    def f_hub_kill(self):
        if self.hub.kill9("fault"):
            self.fault("hub-kill")
            time.sleep(self.rng.uniform(0.2, 3.0))
        self.hub.start()
        self.hub.wait_online(10)

    def f_home_restart(self):
        window = self.intervals.begin("home-down")
        self.home.stop(signal.SIGTERM)
        self.fault("home-restart")
        time.sleep(self.rng.uniform(0.5, 4.0))
        self.home.start()
        self.intervals.end(window)

    def f_platform_offline(self):
        off_s = self.rng.uniform(3.0, 15.0)
        self.fault("platform-offline", off_s=round(off_s, 1))
        self.platform.go_offline()
        time.sleep(off_s)
        self.platform.go_online()

    def f_disk_full(self):
        if not self.store.mounted:
            self.fault("disk-full-SKIPPED", reason=self.store.skip_reason)
            return
        variants = ["kill-restart-after-free", "free", "kill-restart-full"]
        n = len(self.disk_windows)
        variant = variants[n] if n < len(variants) else self.rng.choice(variants)
        hold_s = self.rng.uniform(4.0, 12.0)
        window = self.intervals.begin("disk-full")
        self.store.checkpoint()
        filled = self.store.fill()
        full_t = now()
        self.hub._mark("disk full")
        self.fault("disk-full", variant=variant, hold_s=round(hold_s, 1), filled_mib=round(
            filled / MIB, 1))
        # A burst of alarms while nothing can be committed: fire and restore, many times.
        until = full_t + hold_s
        killed = False
        for i in range(200):
            if now() >= until:
                break
            self.driver.smoke(i % 2 == 0)
            time.sleep(0.15)
            if variant != "free" and not killed and now() >= full_t + hold_s * 0.6:
                self.hub.kill9(f"disk full ({variant})")
                self.faults.append({"kind": "hub-kill-while-full", "t": now()})
                killed = True
                time.sleep(0.3)
                if variant == "kill-restart-full":
                    self.hub.start()
        self.driver.smoke(False)
        self.store.free()
        free_t = now()
        self.hub._mark("disk freed")
        self.intervals.end(window)
        self.disk_windows.append((full_t, free_t, filled))
        if killed and variant == "kill-restart-after-free":
            self.hub.start()
        self.hub.wait_online(10)

    def f_storm(self):
        """A storm of alarms and restores (fire, tamper) while the platform polls the hub with
        status_request as fast: sensor messages and uplink commands reach homesecd in the same
        instant, so heartbeats (QoS 0) and events (QoS 1) are published back to back."""
        storm_s = self.rng.uniform(3.0, 8.0)
        self.fault("storm", storm_s=round(storm_s, 1))
        until = now() + storm_s
        for i in range(1000):
            if now() >= until:
                break
            self.platform.peer.publish(f"{BASE}/command", json.dumps(
                {"action": "status_request"}), 1)
            self.driver.smoke(i % 2 == 0)
            if i % 3 == 0:
                drive_sim(self.sim_dir, "sim0", 5, i % 2 == 0)
            time.sleep(0.05)
        self.driver.smoke(False)
        drive_sim(self.sim_dir, "sim0", 5, False)

    def run_faults(self, until):
        kinds = ["district-kill", "hub-kill", "home-restart", "disk-full", "platform-offline",
                 "storm"]
        funcs = {"district-kill": self.f_district_kill, "hub-kill": self.f_hub_kill,
                 "home-restart": self.f_home_restart, "disk-full": self.f_disk_full,
                 "platform-offline": self.f_platform_offline, "storm": self.f_storm}
        first = kinds[:]
        self.rng.shuffle(first)
        for i in range(10000):
            if now() >= until:
                return
            if self.stop_flag.wait(self.rng.uniform(2.0, 6.0)) or now() >= until:
                return
            kind = first[i] if i < len(first) else self.rng.choice(kinds)
            try:
                funcs[kind]()
            except Exception as e:  # a fault that fails to apply is reported, not fatal
                log(f"fault {kind} failed to apply: {e!r}")
                self.faults.append({"kind": kind + "-FAILED", "t": now(), "error": repr(e)})
            # Make sure everything is up again before the next fault.
            if self.district.proc is None:
                self.district.start()
            if self.home.proc is None:
                self.home.start()
            if not self.hub.running():
                self.hub.start()

    def run_ack_modes(self, until):
        rng = random.Random(self.args.seed + 4)
        for _ in range(100000):
            if self.stop_flag.wait(rng.uniform(5.0, 15.0)) or now() >= until:
                break
            mode = rng.choice(["normal", "slow", "every_other"])
            self.platform.set_mode(mode)
            self.faults.append({"kind": f"ack-{mode}", "t": now()})
            log(f"platform ack mode {mode}")
        self.platform.set_mode("normal")

    # ----- the run -----

    def run(self):
        a = self.args
        self.stop_flag = threading.Event()
        self.setup()
        t0 = now()
        fault_end = t0 + a.minutes * 60
        log(f"soak: seed {a.seed}, {a.minutes} min of faults, workdir {self.workdir}")
        self.driver.start()
        self.hostile.start()
        acks = threading.Thread(target=self.run_ack_modes, args=(fault_end,), daemon=True)
        acks.start()
        self.run_faults(fault_end)
        acks.join(20)
        log("faults over: quiet phase (everything up, normal acks, drain)")
        self.hostile.stop()
        self.driver.stop()
        self.platform.set_mode("normal")
        if self.platform.online_window:
            self.platform.go_online()
        for broker in (self.home, self.district):
            if broker.proc is None:
                broker.start()
        if not self.hub.running():
            log("homesecd is not running at the start of the quiet phase: starting it")
            self.hub.start()
        self.quiet_start = now()
        self.drained = self.wait_drained(a.quiet_s)
        self.quiet_end = now()
        self.term_rc = self.hub.terminate()
        self.hub.watching = False
        self.hub.stop_flag.set()
        time.sleep(1.0)  # a last message in flight
        return self.check()

    def outbox_seqs(self):
        db = os.path.join(self.store.dir, "homesec.db")
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
            seqs = {r[0] for r in con.execute("SELECT seq FROM outbox")}
            con.close()
            return seqs
        except sqlite3.Error:
            return set()

    def killed_while_full(self, t):
        """True if t lies in a disk-full window during which homesecd was killed (-9)."""
        kills = [f["t"] for f in self.faults if f["kind"] == "hub-kill-while-full"]
        return any(full_t - 1.0 <= t <= k for full_t, free_t, _ in self.disk_windows
                   for k in kills if full_t <= k <= free_t)

    def hub_log(self):
        """(rows by seq, outbox count, error) from the hub's SQLite store."""
        db = os.path.join(self.store.dir, "homesec.db")
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
            rows = {seq: (cat, prio, report, js) for seq, cat, prio, report, js in con.execute(
                "SELECT seq, category, priority, report, json FROM events")}
            outbox = con.execute("SELECT count(*) FROM outbox").fetchone()[0]
            con.close()
            return rows, outbox, None
        except sqlite3.Error as e:
            return {}, None, str(e)

    def wait_drained(self, limit_s):
        """Until every reportable event of the hub's log reached the platform and the outbox is
        empty, at most limit_s."""
        until = now() + limit_s
        while now() < until:
            time.sleep(2.0)
            rows, outbox, err = self.hub_log()
            if err:
                continue
            with self.platform.lock:
                got = {e["id"] for e in self.platform.events}
            missing = [s for s, r in rows.items() if r[2] and f"{HUB}:{s}" not in got]
            if not missing and outbox == 0:
                log(f"drained after {now() - self.quiet_start:.1f} s")
                return True
        log(f"not drained after {limit_s:.0f} s")
        return False

    # ----- the checks -----

    def check(self):
        results = []  # (name, passed, line)
        rows, outbox, db_err = self.hub_log()
        with self.platform.lock:
            received = list(self.platform.events)
            heartbeats = list(self.platform.heartbeats)
        with self.local_lock:
            local = list(self.local_events)

        by_id = {}
        for e in received:
            if e["id"] is not None:
                by_id.setdefault(e["id"], []).append(e)
        first = sorted((copies[0] for copies in by_id.values()), key=lambda e: e["t"])

        # lost
        lost = []
        hub_reportable = {s: r for s, r in rows.items() if r[2]}
        for seq, (cat, prio, _, js) in sorted(hub_reportable.items()):
            if f"{HUB}:{seq}" not in by_id:
                lost.append((seq, "hub log", json.loads(js).get("type")))
        received_pairs = {}
        for e in received:
            if e["json"] is not None:
                received_pairs.setdefault(e["id"], []).append(e["json"])
        # Seen on the hub's local event topic, reportable, never received with that payload.
        # Not counted (reported apart): an event that exists only in the hub's memory because
        # the disk refused writes, never left the hub (the wire observer on the district broker
        # never saw it), and was then lost with a kill -9 of that process: protocol §1.4 (7)
        # says the hub cannot promise survival of a restart while the disk refuses writes. If
        # it left the hub and still never reached the platform, it is lost.
        with self.wire_lock:
            wire = {k: list(v) for k, v in self.wire.items()}
        local_lost = []
        memory_only = []
        for t, eid, payload, event in local:
            if event.get("type") in LOCAL_ONLY_TYPES:
                continue
            if event in received_pairs.get(eid, []):
                continue
            seq = event.get("seq")
            in_log = seq in rows and json.loads(rows[seq][3]) == event
            left_hub = event in wire.get(eid, [])
            ev_t = rfc3339_to_epoch(event.get("time", "")) or t
            if (not in_log and not left_hub and self.killed_while_full(ev_t)):
                memory_only.append((eid, event.get("type"), t))
            else:
                local_lost.append((eid, event.get("type"), t))
        lost_ids = {f"{HUB}:{s}" for s, _, _ in lost} | {eid for eid, _, _ in local_lost}
        # --forged-real-acks only: losses of ids that got a forged ack are reported apart.
        forged_lost = sorted(lost_ids & self.hostile.forged_real)
        lost_ids -= self.hostile.forged_real
        line = (f"lost: {len(lost_ids)} (hub log: {len(lost)} of {len(hub_reportable)} reportable; "
                f"local event topic: {len(local_lost)} reportable events seen locally and "
                f"never received with that payload)")
        if lost:
            in_outbox = self.outbox_seqs()
            still = [x for x in lost if x[0] in in_outbox]
            gone = [x for x in lost if x[0] not in in_outbox]
            line += (f"\n    {len(still)} still in the hub's outbox at the end (never delivered), "
                     f"{len(gone)} no longer in it (dropped without reaching the platform)")
            line += "\n    hub-log seqs: " + ", ".join(f"{s}({t})" for s, _, t in lost[:30])
        if local_lost:
            line += "\n    local ids: " + ", ".join(f"{i}({t})" for i, t, _ in local_lost[:30])
        if memory_only:
            line += (f"\n    not counted: {len(memory_only)} events held only in memory on a full "
                     f"disk, never published, lost with the kill -9 (protocol §1.4 (7)): " +
                     ", ".join(f"{i.rsplit(':', 1)[1]}({t})" for i, t, _ in memory_only[:30]))
        if db_err:
            line += f"\n    cannot read the hub's store: {db_err}"
        if self.args.forged_real_acks:
            line += (f"\n    forged acks for real ids: {len(self.hostile.forged_real)} sent, "
                     f"{len(forged_lost)} of those events never reached the platform "
                     f"(not counted above): {', '.join(forged_lost[:20])}")
        results.append(("lost", not lost_ids and not db_err, line))

        # two payloads under one id (platform copies, and the platform's versus the hub's log)
        two = []
        for eid, copies in by_id.items():
            distinct = {}
            for c in copies:
                distinct.setdefault(c["payload"], c)
            if len(distinct) > 1:
                two.append((eid, "platform received %d different payloads" % len(distinct),
                            [describe(c) for c in distinct.values()]))
        for seq, (_, _, report, js) in rows.items():
            eid = f"{HUB}:{seq}"
            if report and eid in by_id:
                hub_json = json.loads(js)
                if all(c["json"] != hub_json for c in by_id[eid]) and eid not in {
                        x[0] for x in two}:
                    two.append((eid, "hub log payload differs from what the platform received",
                                ["hub log: " + describe({"json": hub_json}),
                                 "platform: " + describe(by_id[eid][0])]))
        line = f"two-payload ids: {len(two)}"
        for eid, why, ps in two[:10]:
            line += f"\n    {eid}: {why}"
            for p in ps[:4]:
                line += f"\n        {p}"
        results.append(("two-payload", not two, line))

        # reorders of first deliveries, per priority class
        # Protocol §1.4: within a priority class (critical/high may pass normal/low) the hub
        # publishes in seq order, also after an outage; only a resend after the 30 s ack timeout
        # (its first publish lost) may come after newer events. A seq that went backwards
        # because the hub reused seqs is counted under two-payload, and only noted here.
        reused = {x[0] for x in two} | {eid for eid in by_id
                                        if int(eid.rsplit(":", 1)[1]) not in rows}
        reorders = []
        for cls, prios in (("critical/high", {"critical", "high"}), ("normal/low",
                                                                      {"normal", "low"})):
            top = 0
            for e in first:
                if e["json"].get("priority") not in prios:
                    continue
                if e["seq"] < top:
                    ev_t = rfc3339_to_epoch(e["json"].get("time", "")) or e["t"]
                    late = e["t"] - ev_t
                    why = None
                    if f"{HUB}:{top}" in reused:
                        why = (f"seq went backwards: {HUB}:{top} was reused or is not in the "
                               f"hub's log (see two-payload)")
                    elif late > 20:
                        kind = self.intervals.covering(ev_t, slack=1.0)
                        why = f"resent after the ack timeout; raised during {kind}" if kind \
                            else None
                    reorders.append((cls, e["seq"], top, round(late, 1), why,
                                     e["json"].get("type")))
                top = max(top, e["seq"])
        unexplained = [r for r in reorders if r[4] is None]
        line = (f"reorders: {len(unexplained)} unexplained, {len(reorders) - len(unexplained)} "
                f"explained (resend after a lost first publish, or a seq reuse)")
        reorders.sort(key=lambda r: r[4] is not None)  # unexplained first
        for cls, seq, top, late, why, typ in reorders[:15]:
            line += (f"\n    [{cls}] seq {seq} ({typ}) first arrived after seq {top}; "
                     f"{late} s after it happened; {why or 'UNEXPLAINED'}")
        results.append(("reorders", not unexplained, line))

        # crashes
        sanitizer = []
        try:
            with open(self.hub.log_path, "rb") as f:
                for n, raw in enumerate(f, 1):
                    s = raw.decode("utf-8", "replace")
                    if any(k in s for k in ("terminate called", "AddressSanitizer",
                                            "runtime error:", "LeakSanitizer", "core dumped")):
                        sanitizer.append(f"homesecd.log:{n}: {s.strip()[:200]}")
        except OSError:
            pass
        bad_term = self.term_rc not in (0, None, "not running")
        crashed = len(self.hub.crashes) + (1 if bad_term else 0)
        line = (f"crashes: {crashed} (unexpected exits {len(self.hub.crashes)}, "
                f"log lines {len(sanitizer)}, exit status at SIGTERM {self.term_rc})")
        last_what = {}
        for c in self.hub.crashes:
            last_what.setdefault(c.get("what", ""), []).append(c)
        for what, cs in last_what.items():
            c = cs[0]
            line += (f"\n    {len(cs)} x {what or '(no message in the log)'}; first at "
                     f"{time.strftime('%H:%M:%S', time.localtime(c['t']))}: {c['note']}")
            recent, retained = self.hostile.suspects(c["t"])
            for h in recent:
                line += (f"\n        sent {c['t'] - h[0]:.2f} s before: {h[1]} {h[2]} {h[3]}"
                         f"{' (retained)' if h[4] else ''}")
            if c.get("after_start") and retained:
                line += "\n        crashed right after its start; retained junk present then: " + \
                    "; ".join(f"{h[1]} {h[2]} {h[3]}" for h in retained)
        for s in sanitizer[:10]:
            line += f"\n    {s}"
        results.append(("crashes", crashed == 0 and not sanitizer, line))

        # hangs
        hangs = len(self.hub.hangs) + (1 if self.term_rc is None else 0)
        rtts = self.hub.probe_rtts
        line = (f"hangs: {hangs} (uplink heartbeat silences or unanswered local probes: "
                f"{len(self.hub.hangs)}; {len(rtts)} probes answered, p99 "
                f"{(percentile(rtts, 99) or 0) * 1000:.0f} ms")
        line += ", no exit on SIGTERM)" if self.term_rc is None else ")"
        for h in self.hub.hangs[:10]:
            line += (f"\n    {time.strftime('%H:%M:%S', time.localtime(h['t']))} {h['why']}; "
                     f"stacks: {h['evidence']}")
            frames = stack_summary(h["evidence"])
            if frames:
                line += "\n        " + "\n        ".join(frames)
        results.append(("hangs", hangs == 0, line))

        # peak RSS
        peak = self.hub.rss_peak_kib / 1024.0
        line = (f"peak RSS (VmHWM): {peak:.1f} MiB over {len(self.hub.rss_by_pid)} "
                f"homesecd processes (limit {self.args.rss_limit_mib} MiB)")
        for t, before, after in sorted(self.hub.rss_jumps, key=lambda j: j[1] - j[2])[:4]:
            huge = [h for h in self.hostile.huge_sent if h[0] <= t]
            line += (f"\n    {time.strftime('%H:%M:%S', time.localtime(t))} VmHWM "
                     f"{before / 1024:.1f} -> {after / 1024:.1f} MiB"
                     + (f"; last huge input {t - huge[-1][0]:.1f} s before: {huge[-1][2]} on "
                        f"{huge[-1][1]}" if huge else ""))
        results.append(("peak-rss", 0 < peak < self.args.rss_limit_mib, line))

        # outage return latency: alarms raised during a district outage
        lat = []
        never = []
        per_outage = []
        for down_t, up_t in self.outages:
            n_before = len(lat)
            for seq, (cat, _, report, js) in rows.items():
                ev = json.loads(js)
                ev_t = rfc3339_to_epoch(ev.get("time", ""))
                if cat != "alarm" or not report or ev_t is None or not down_t <= ev_t <= up_t:
                    continue
                copies = by_id.get(f"{HUB}:{seq}")
                if copies:
                    lat.append(copies[0]["t"] - up_t)
                else:
                    never.append(seq)
            mine = lat[n_before:]
            per_outage.append((down_t, up_t - down_t, len(mine), max(mine) if mine else None))
        lat_all = lat + [float("inf")] * len(never)
        p50, p99 = percentile(lat_all, 50), percentile(lat_all, 99)
        fmt = (lambda v: "n/a" if v is None else f"{v:.2f} s")
        line = (f"outage-return: {len(lat_all)} alarms raised during {len(self.outages)} district "
                f"outages; after the broker was back p50 {fmt(p50)}, p99 {fmt(p99)}, "
                f"max {fmt(max(lat_all) if lat_all else None)} (target p99 < 5 s)")
        if never:
            line += f"\n    never arrived: {never[:20]}"
        for down_t, dur, n, worst in per_outage:
            line += (f"\n    outage {time.strftime('%H:%M:%S', time.localtime(down_t))} "
                     f"{dur:.1f} s: {n} alarms, last arrived {fmt(worst)} after the return")
        results.append(("outage-return", bool(lat_all) and p99 is not None and p99 < 5.0, line))

        self.summary(results, received, by_id, rows, outbox, local, heartbeats)
        return results

    def summary(self, results, received, by_id, rows, outbox, local, heartbeats):
        a = self.args
        kinds = {}
        for f in self.faults:
            kinds[f["kind"]] = kinds.get(f["kind"], 0) + 1
        dups = len([e for e in received if e["id"] is not None]) - len(by_id)
        retained = sum(1 for e in received if e["retain"])
        platform_only = sorted(eid for eid in by_id if int(eid.rsplit(":", 1)[1]) not in rows)
        store_failures = sum(1 for c in by_id.values() if c[0]["json"] and
                             c[0]["json"].get("type") == "store_failure")
        types = {}
        for copies in by_id.values():
            t = copies[0]["json"].get("type") if copies[0]["json"] else "?"
            types[t] = types.get(t, 0) + 1
        with open(os.path.join(self.workdir, "hostile.log"), "w") as f:
            for t, broker, topic, what, retain in self.hostile.history:
                f.write(f"{t:.3f} {broker} {topic} {what}{' retained' if retain else ''}\n")
        with open(os.path.join(self.workdir, "faults.log"), "w") as f:
            for fault in self.faults:
                f.write(json.dumps(fault) + "\n")
        with open(os.path.join(self.workdir, "platform.jsonl"), "w") as f:
            for e in received:
                f.write(json.dumps({"t": round(e["t"], 3), "id": e["id"], "dup": e["dup"],
                                    "retain": e["retain"],
                                    "payload": e["payload"].decode("utf-8", "replace")}) + "\n")
        print()
        print("=" * 78)
        print(f"homesec fault soak: seed {a.seed}, {a.minutes} min of faults, "
              f"build {a.build_dir}")
        print(f"workdir {self.workdir}")
        print(f"hub log: {len(rows)} events ({sum(1 for r in rows.values() if r[2])} reportable), "
              f"outbox left {outbox}; drained in quiet phase: {self.drained} "
              f"({self.quiet_end - self.quiet_start:.0f} s)")
        print(f"platform: {len(received)} event messages, {len(by_id)} distinct ids, "
              f"{dups} duplicates, {retained} retained, {len(heartbeats)} heartbeats")
        print("  types: " + ", ".join(f"{k} {v}" for k, v in sorted(types.items())))
        print(f"local event topic: {len(local)} events seen")
        print(f"homesecd starts: {self.hub.starts}; hostile messages sent: {self.hostile.sent} "
              f"({len(self.hostile.huge_sent)} of 1-8 MiB)")
        print("faults: " + ", ".join(f"{k} x{v}" for k, v in sorted(kinds.items())))
        if not self.store.mounted:
            print(f"!!!!! DISK-FULL FAULT SKIPPED: {self.store.skip_reason} !!!!!")
        else:
            effective = self.disk_effect()
            print(f"disk full: {len(self.disk_windows)} windows, {effective} of them made "
                  f"homesecd's commits fail; store_failure events received: {store_failures}")
            if self.disk_windows and effective < len(self.disk_windows):
                print("!!!!! a disk-full window had no effect on homesecd's commits: the "
                      "seq-reuse trap was not exercised there !!!!!")
        if platform_only:
            print(f"ids the platform received that are not in the hub's log: {len(platform_only)} "
                  f"(published from memory while the disk was full, then lost to kill -9): "
                  f"{', '.join(platform_only[:20])}")
        for down_t, up_t in self.outages:
            print(f"  district outage {time.strftime('%H:%M:%S', time.localtime(down_t))} "
                  f"for {up_t - down_t:.1f} s")
        print("-" * 78)
        for name, ok, line in results:
            print(("PASS " if ok else "FAIL ") + line)
        print("=" * 78)

    def disk_effect(self):
        """How many disk-full windows show a refused write in homesecd's log."""
        effective = 0
        inside = False
        seen = False
        try:
            with open(self.hub.log_path, "rb") as f:
                for raw in f:
                    if b"===== soak" in raw and b": disk full =====" in raw:
                        inside, seen = True, False
                    elif b"===== soak" in raw and b": disk freed =====" in raw:
                        effective += 1 if (inside and seen) else 0
                        inside = False
                    elif inside and (b"disk is full" in raw or b"commit failed" in raw):
                        seen = True
        except OSError:
            pass
        return effective

    # ----- cleanup -----

    def cleanup(self):
        for step in (lambda: self.hub and self.hub.stop_flag.set(),
                     lambda: self.hub and self.hub.terminate(5),
                     lambda: self.hostile.stop_flag.set(),
                     lambda: self.driver.stop_flag.set(),
                     lambda: self.platform.stop(),
                     lambda: self.observer.stop(),
                     lambda: self.wire_peer.stop(),
                     lambda: self.driver_peer.stop(),
                     lambda: [p.stop() for p in self.hostile.peers.values()],
                     lambda: self.home.stop(),
                     lambda: self.district.stop(),
                     lambda: self.store and self.store.free(),
                     lambda: self.store and self.keep_db(),
                     lambda: self.store and self.store.unmount()):
            try:
                step()
            except Exception:
                pass

    def keep_db(self):
        """Copies the store out of the tmpfs before it is unmounted."""
        out = os.path.join(self.workdir, "store-copy")
        os.makedirs(out, exist_ok=True)
        for name in os.listdir(self.store.dir):
            if name.startswith("homesec.db"):
                shutil.copy2(os.path.join(self.store.dir, name), out)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--minutes", type=float, default=2.0, help="length of the fault phase")
    p.add_argument("--build-dir", default="build", help="where daemon/homesecd is")
    p.add_argument("--seed", type=int, default=None, help="fault schedule seed (default: time)")
    p.add_argument("--quiet-s", type=float, default=60.0, help="max length of the drain phase")
    p.add_argument("--store-mib", type=int, default=32, help="size of the store's tmpfs")
    p.add_argument("--rss-limit-mib", type=float, default=64.0)
    p.add_argument("--keep", action="store_true", help="keep the workdir even on success")
    p.add_argument("--no-hostile", action="store_true",
                   help="diagnosis only: faults without hostile input (to see what a crash on "
                        "hostile input hides); not the soak")
    p.add_argument("--forged-real-acks", action="store_true",
                   help="experiment: also forge acks for seqs the hub is about to use")
    args = p.parse_args()
    if args.seed is None:
        args.seed = int(time.time()) % 100000
    args.build_dir = os.path.abspath(args.build_dir)
    if not os.access(os.path.join(args.build_dir, "daemon", "homesecd"), os.X_OK):
        print(f"soak: no homesecd in {args.build_dir}/daemon", file=sys.stderr)
        return 2

    def on_signal(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    soak = Soak(args)
    results = None
    try:
        results = soak.run()
    except BaseException as e:  # includes KeyboardInterrupt: still clean up and say so
        log(f"soak aborted: {e!r}")
        import traceback
        traceback.print_exc()
    finally:
        soak.cleanup()
    failed = 1 if results is None else sum(1 for _, ok, _ in results if not ok)
    passed = 0 if results is None else sum(1 for _, ok, _ in results if ok)
    if failed:
        print(f"\n----- homesecd log tail ({soak.hub.log_path if soak.hub else '?'}) -----")
        if soak.hub:
            print(tail(soak.hub.log_path, 60))
        print(f"logs kept in {soak.workdir}")
    elif not args.keep:
        shutil.rmtree(soak.workdir, ignore_errors=True)
    else:
        print(f"logs kept in {soak.workdir}")
    print(f"soak: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
