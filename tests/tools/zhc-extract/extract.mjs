// Dev-only extractor: reads every zigbee-herdsman-converters definition and writes the
// security-relevant subset to tests/data/zhc/ (see tests/data/zhc/README.md for the format).
// Run: cd tests/tools/zhc-extract && npm ci && node extract.mjs
// Nothing in the homesec build or test suite runs this; only regenerating the data needs npm.

import fs from "node:fs";
import path from "node:path";
import {createRequire} from "node:module";
import {fileURLToPath} from "node:url";

const require = createRequire(import.meta.url);
const HERE = path.dirname(fileURLToPath(import.meta.url));
// ZHC_OUT: write elsewhere (diagnostics); ZHC_EXPOSES_DEVICE=dummy: resolve exposes functions with zhc's
// {isDummyDevice: true} (what zhc's docs use) instead of the minimal fake device, to compare.
const OUT_DIR = process.env.ZHC_OUT ? path.resolve(process.env.ZHC_OUT) : path.resolve(HERE, "../../data/zhc");
const ZHC_DIR = path.dirname(require.resolve("zigbee-herdsman-converters/package.json"));
const ZHC_VERSION = JSON.parse(fs.readFileSync(path.join(ZHC_DIR, "package.json"), "utf8")).version;
const PKG = JSON.parse(fs.readFileSync(path.join(HERE, "package.json"), "utf8"));
// The zigbee2mqtt release whose serialisation (lib/model/device.ts exposes(), lib/extension/bridge.ts
// getDefinitionPayload(), lib/util/stringify.ts) and set path (lib/extension/publish.ts) this file reproduces.
const Z2M_VERSION = PKG.homesec?.zigbee2mqttReference ?? "unknown";
const CALL_TIMEOUT_MS = 2000;

// --------------------------------------------------------------------------------------------
// zhc logger: keep quiet, but count "Failed to process exposes" errors (zhc catches throws of
// individual exposes functions inside modern-extend definitions and only logs them).
let logCapture = null;
const zhc = require("zigbee-herdsman-converters");
zhc.setLogger({
    debug: () => {},
    info: () => {},
    warning: () => {},
    error: (m) => {
        if (logCapture) logCapture.push(typeof m === "function" ? m() : String(m));
    },
});

// --------------------------------------------------------------------------------------------
// Family lists. Exact expose names (the `name` of an expose or of a feature; Z2M's `property` can
// carry an endpoint suffix), restricted by expose type. Patterns are expanded against the names that
// really occur so the header lists exact names only.
const FAMILY_RULES = {
    contact: {binary: ["contact", "contact_alarm_1", "contact_alarm_2", "garage_door_contact"], enum: ["door_state", "opening_state", "handle_position"]},
    water: {
        binary: ["water_leak", "water_leak_alarm_1", "water_leak_alarm_2", "active_water_leak", "water_leak_zone_1", "water_leak_zone_2",
            "water_leak_both_zones", "water", "water_sensor", /^water_leak_wire_\d+$/, /^input_\d+_leak_detect_\d+$/, /^channel_\d+_leak_detect_\d+$/],
        enum: ["water_leakage_state"],
    },
    smoke: {binary: ["smoke", "smoke_alarm_1", "smoke_alarm_2"], enum: ["smoke_state"]},
    gas: {binary: ["gas", "gas_alarm_1", "gas_alarm_2"], enum: ["gas_sensor_state", "gas_state"]},
    co: {binary: ["carbon_monoxide", "carbon_monoxide_alarm_1", "carbon_monoxide_alarm_2"], enum: ["co_state"]},
    motion: {
        binary: ["occupancy", "occupancy_alarm_1", "occupancy_alarm_2", "presence", "motion", "pir_detection", "motion_status",
            "occupancy_in", "occupancy_out", "occupancy_and", "occupancy_or", /^occupancy_\d+$/, /^mmwave_area\d+_occupancy$/],
        enum: ["presence_state", "motion_state", "human_motion_state"],
    },
    vibration: {binary: ["vibration", "tilt"]},
    tamper: {binary: ["tamper", "tamper_alarm"]},
    panic: {binary: ["sos", "sos_alarm"]},
    alarm: {binary: ["alarm_1", "alarm_2", "trouble", "alarm"], enum: ["alarm_state", "alarm_status", "alarm"]},
    lock: {lock: ["(lock specific with a state or lock_state feature)"]},
    battery: {numeric: ["battery"], binary: ["battery_low"]},
    keypad: {composite: ["arm_mode"]},
    siren: {composite: ["warning", "squawk", "trigger_siren"], binary: ["alarm", "siren", "siren_on", "state_siren", "alarm_siren"], enum: ["alarm"], numeric: ["alarm"]},
    siren_settings: {
        any: ["melody", "volume", "duration", "alarm_mode", "alarm_melody", "alarm_ringtone", "alarm_volume", "alarm_volume_level", "alarm_time",
            "alarm_duration", "siren_duration", "siren_volume", "siren_delay", "alarm_sound_type", "alarm_switch", "sound_volume", "volume_alarm",
            "alarm_siren_duration", "alarm_state"],
    },
};
// Action enum values. keypad: any of KEYPAD_STRICT, or home/away together with disarm.
const ACTION_PANIC = ["sos", "emergency", "panic"];
const ACTION_VIBRATION = ["vibration", "tilt", "drop"]; // only when the enum contains "vibration"
const ACTION_KEYPAD_STRICT = ["arm_all_zones", "arm_day_zones", "arm_night_zones", "arm_partial_zones", "arm_away", "arm_home", "arm_stay", "disarm"];
const ACTION_KEYPAD_LOOSE = ["home", "away"];
// Families whose presence puts a definition into the set (battery and siren_settings alone do not).
const QUALIFYING = ["contact", "water", "smoke", "gas", "co", "motion", "vibration", "tamper", "panic", "alarm", "lock", "keypad", "siren"];

const isSettable = (e) => ((e.access ?? 0) & 2) !== 0;
const isPublished = (e) => ((e.access ?? 0) & 1) !== 0;
const nameMatches = (list, name) => list.some((p) => (p instanceof RegExp ? p.test(name) : p === name));

/** Families one expose node (not its features) belongs to. */
function nodeFamilies(e) {
    const fams = [];
    const name = e.name;
    if (e.type === "lock") {
        if ((e.features ?? []).some((f) => f.name === "state" || f.name === "lock_state")) fams.push("lock");
        return fams;
    }
    if (name === undefined) return fams;
    for (const [fam, rule] of Object.entries(FAMILY_RULES)) {
        if (fam === "lock") continue;
        const list = [...(rule[e.type] ?? []), ...(rule.any ?? [])];
        if (!nameMatches(list, name)) continue;
        if (fam === "siren" && !isSettable(e)) continue; // sirens: only settable outputs
        if (fam === "keypad" && !isSettable(e)) continue;
        if (fam === "siren_settings" && !isSettable(e)) continue;
        if (fam === "alarm" && name === "alarm" && isSettable(e)) continue; // settable alarm = siren output
        fams.push(fam);
    }
    if (name === "action" && e.type === "enum") {
        const v = (e.values ?? []).map(String);
        if (v.some((x) => ACTION_PANIC.includes(x))) fams.push("panic");
        if (v.includes("vibration")) fams.push("vibration");
        if (v.some((x) => ACTION_KEYPAD_STRICT.includes(x)) || (v.includes("disarm") && v.some((x) => ACTION_KEYPAD_LOOSE.includes(x)))) fams.push("keypad");
    }
    return fams;
}

function walk(e, fn, parent = null) {
    fn(e, parent);
    for (const f of e.features ?? []) walk(f, fn, e);
}

function exposeFamilies(e) {
    const s = new Set();
    walk(e, (n) => {
        for (const f of nodeFamilies(n)) s.add(f);
    });
    return s;
}

// --------------------------------------------------------------------------------------------
// Z2M serialisation: lib/util/stringify.ts (sorted keys, undefined/functions dropped, non-finite
// numbers -> null, toJSON honoured). We produce the equivalent plain value and JSON.stringify it.
function z2mPlain(value, stack = []) {
    switch (typeof value) {
        case "string":
        case "boolean":
            return value;
        case "number":
            return Number.isFinite(value) ? value : null;
        case "bigint":
            return `${value}`;
        case "object": {
            if (value === null) return null;
            if (typeof value.toJSON === "function") {
                value = value.toJSON();
                if (typeof value !== "object" || value === null) return z2mPlain(value, stack);
            }
            if (stack.includes(value)) return "[Circular]";
            stack.push(value);
            let res;
            if (Array.isArray(value)) {
                res = value.map((v) => {
                    const p = z2mPlain(v, stack);
                    return p === undefined ? null : p;
                });
            } else {
                res = {};
                for (const k of Object.keys(value).sort()) {
                    const p = z2mPlain(value[k], stack);
                    if (p !== undefined) res[k] = p;
                }
            }
            stack.pop();
            return res;
        }
        default:
            return undefined;
    }
}

// --------------------------------------------------------------------------------------------
// Fake zigbee-herdsman Device / Endpoint. Class names matter: zhc's utils.isEndpoint/isDevice
// compare constructor.name.
let sentLog = null;
function record(entry) {
    if (sentLog) sentLog.push(z2mPlain(entry));
}

class Endpoint {
    constructor(device, ID, spec = {}) {
        this.ID = ID;
        this._device = device;
        this.deviceIeeeAddress = device.ieeeAddr;
        this.deviceNetworkAddress = device.networkAddress;
        this.profileID = spec.profileID ?? 260;
        this.deviceID = spec.deviceID ?? 0x0402;
        this.inputClusters = spec.inputClusters ?? [];
        this.outputClusters = spec.outputClusters ?? [];
        this.clusters = {};
        this.meta = {};
        this.binds = [];
        this.configuredReportings = [];
    }
    getDevice() { return this._device; }
    async command(cluster, command, payload, options) { record({cluster, command, payload}); return {}; }
    async commandResponse(cluster, command, payload, options, transactionSequenceNumber) {
        record({cluster, command, payload, response: true, transactionSequenceNumber}); return {};
    }
    async write(cluster, attributes, options) { record({cluster, write: attributes}); return {}; }
    async writeStructured(cluster, payload, options) { record({cluster, writeStructured: payload}); return {}; }
    async read(cluster, attributes, options) { record({cluster, read: attributes}); return {}; }
    async readResponse(cluster, seq, payload) { record({cluster, readResponse: payload}); }
    async defaultResponse() {}
    async bind() {}
    async unbind() {}
    async configureReporting() {}
    async addToGroup() {}
    async removeFromGroup() {}
    getClusterAttributeValue() { return undefined; }
    saveClusterAttributeKeyValue() {}
    supportsInputCluster() { return true; }
    supportsOutputCluster() { return true; }
    getInputClusters() { return []; }
    getOutputClusters() { return []; }
    save() {}
}

class Device {
    static autoEndpoints = false;
    constructor(def) {
        const fp = def.fingerprint?.[0];
        this.ieeeAddr = "0x00158d0000000001";
        this.networkAddress = 0x1234;
        this.type = "EndDevice";
        this.modelID = def.zigbeeModel?.[0] ?? fp?.modelID;
        this.manufacturerName = fp?.manufacturerName;
        this.manufacturerID = fp?.manufacturerID;
        this.powerSource = "Battery";
        this.interviewState = "SUCCESSFUL";
        this.meta = {};
        this.customClusters = {};
        this.softwareBuildID = undefined;
        this.dateCode = undefined;
        this.endpoints = [];
        const ids = new Set();
        for (const ep of fp?.endpoints ?? []) if (ep.ID !== undefined) ids.add(ep.ID);
        if (ids.size === 0) ids.add(1);
        for (const ep of fp?.endpoints ?? []) if (ep.ID !== undefined && !this.getEndpoint(ep.ID)) this.endpoints.push(new Endpoint(this, ep.ID, ep));
        for (const id of ids) if (!this.getEndpoint(id)) this.endpoints.push(new Endpoint(this, id));
    }
    addEndpointsFrom(map) {
        for (const id of Object.values(map ?? {})) if (typeof id === "number" && !this.getEndpoint(id)) this.endpoints.push(new Endpoint(this, id));
    }
    getEndpoint(id) {
        let ep = this.endpoints.find((e) => e.ID === id);
        // While converters run, behave like the real hardware, which has every endpoint its own
        // converters address (e.g. Bosch twinguard endpoint 12). Not while exposes are resolved.
        if (!ep && Device.autoEndpoints && typeof id === "number") {
            ep = new Endpoint(this, id);
            this.endpoints.push(ep);
        }
        return ep;
    }
    save() {}
    async interview() {}
    async removeFromNetwork() {}
}

function withTimeout(promise, ms) {
    let t;
    return Promise.race([
        Promise.resolve(promise).then((v) => ({ok: true, v}), (e) => ({ok: false, e})),
        new Promise((res) => { t = setTimeout(() => res({timeout: true}), ms); }),
    ]).finally(() => clearTimeout(t));
}

// --------------------------------------------------------------------------------------------
// Load all definitions the way findByDevice hands them to Z2M (prepareDefinition).
function loadDefinitions() {
    const dir = path.join(ZHC_DIR, "dist", "devices");
    const out = [];
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".js") && f !== "index.js").sort()) {
        const mod = require(path.join(dir, f));
        for (const raw of mod.definitions ?? []) out.push({raw, file: f});
    }
    return out;
}

/** Z2M lib/model/device.ts exposes(), minus the LINKQUALITY it appends (dropped here anyway). */
function resolveExposes(def, device) {
    if (typeof def.exposes !== "function") return {exposes: def.exposes, failed: false, isFunction: false};
    logCapture = [];
    let exposes = [];
    let failed = false;
    let error;
    try {
        exposes = def.exposes(process.env.ZHC_EXPOSES_DEVICE === "dummy" ? {isDummyDevice: true} : device, {});
    } catch (e) {
        failed = true;
        error = e.message;
    }
    const logged = logCapture.filter((m) => m.includes("Failed to process exposes"));
    logCapture = null;
    if (logged.length) {
        failed = true;
        error = logged[0].split("\n")[0];
    }
    return {exposes, failed, isFunction: true, error};
}

// --------------------------------------------------------------------------------------------
// Meaning / active decisions.
const ENUM_TABLE = {
    door_state: {meaning: "contact", values: {open: true, closed: false, error_forced_open: true}},
    opening_state: {meaning: "contact", values: {open: true, tilted: true, closed: false}},
    handle_position: {meaning: "contact", values: {open: true, tilted: true, closed: false}},
    water_leakage_state: {meaning: "water", values: {water_leakage_yes: true, water_leakage_no: false}},
    smoke_state: {meaning: "smoke", values: {alarm: true, normal: false, none: false}},
    gas_sensor_state: {meaning: "gas", values: {alarm: true, normal: false}},
    gas_state: {meaning: "gas", values: {alarm: true, normal: false}},
    co_state: {meaning: "co", values: {alarm: true, normal: false}},
    presence_state: {meaning: "motion", values: {none: false, NONE: false, presence: true, PRESENCE: true, motion: true, stationary: true,
        peaceful: true, small_movement: true, large_movement: true}},
    motion_state: {meaning: "motion", values: {none: false, large: true, medium: true, small: true, far: true, near: true, static: true}},
    human_motion_state: {meaning: "motion", values: {none: false, active: true, motion: true, small: true, large: true, static: true, peaceful: true}},
    alarm_state: {meaning: "alarm", values: {normal: false, alarmed: true, warning_alarm: true, critical_alarm: true}},
    alarm_status: {meaning: "alarm", values: {normal: false, ok: false, alarm: true}},
    alarm: {meaning: "alarm", values: {ALARM: true, IDLE: false}},
};
// Binary: meaning; active = (value === value_on), except "closed-is-true" properties.
const BINARY_MEANING = {contact: "contact", water: "water", smoke: "smoke", gas: "gas", co: "co", motion: "motion", vibration: "vibration",
    tamper: "tamper", panic: "panic"};
const CLOSED_IS_TRUE = ["contact", "garage_door_contact"];

function stateEntry(property, value, meaning, active, extra = {}) {
    const o = {payload: {[property]: value}, property, meaning, active};
    Object.assign(o, extra);
    return o;
}

function deriveStates(e, out) {
    // e: published (access & 1) node at top level of the state message (top-level expose or
    // feature of a specific expose such as lock).
    const fams = nodeFamilies(e);
    const prop = e.property ?? e.name;
    if (e.type === "binary") {
        const vals = [e.value_on, e.value_off];
        if (fams.includes("battery")) {
            for (const v of vals) out.push(stateEntry(prop, v, "battery_low", v === e.value_on, {source: "exposes"}));
            return;
        }
        let meaning = null;
        for (const f of fams) if (BINARY_MEANING[f]) meaning = BINARY_MEANING[f];
        if (fams.includes("alarm")) {
            if (e.name === "alarm_1" || e.name === "alarm_2") meaning = /IAS Zone/i.test(e.description ?? "") ? "alarm" : null;
            else if (e.name === "alarm") meaning = "alarm";
            else meaning = null; // trouble
        }
        for (const v of vals) {
            if (!meaning) { out.push(stateEntry(prop, v, "unclassified", null, {source: "exposes"})); continue; }
            let active;
            if (CLOSED_IS_TRUE.includes(e.name)) active = typeof v === "boolean" ? v === false : null;
            else active = v === e.value_on;
            out.push(stateEntry(prop, v, active === null ? "unclassified" : meaning, active, {source: "exposes"}));
        }
        return;
    }
    if (e.type === "enum") {
        if (e.name === "action") {
            const vals = (e.values ?? []).map(String);
            const hasVib = vals.includes("vibration");
            for (const v of vals) {
                if (ACTION_PANIC.includes(v)) out.push(stateEntry(prop, v, "panic", true, {source: "exposes"}));
                else if (hasVib && ACTION_VIBRATION.includes(v)) out.push(stateEntry(prop, v, "vibration", true, {source: "exposes"}));
            }
            return;
        }
        const table = ENUM_TABLE[e.name];
        for (const v of e.values ?? []) {
            if (table && Object.hasOwn(table.values, v)) out.push(stateEntry(prop, v, table.meaning, table.values[v], {source: "exposes"}));
            else out.push(stateEntry(prop, v, "unclassified", null, {source: "exposes"}));
        }
        return;
    }
    if (e.type === "numeric" && fams.includes("battery")) {
        for (const v of [5, 10, 50, 100]) out.push(stateEntry(prop, v, "battery", null, {value_percent: v, source: "exposes"}));
    }
}

function lockStates(e, out) {
    for (const f of e.features ?? []) {
        if (!isPublished(f)) continue;
        const prop = f.property ?? f.name;
        if (f.name === "state" && f.type === "binary") {
            out.push(stateEntry(prop, f.value_on, "lock", false, {source: "exposes"}));
            out.push(stateEntry(prop, f.value_off, "lock", true, {source: "exposes"}));
        } else if (f.name === "lock_state" && f.type === "enum") {
            for (const v of f.values ?? []) {
                const act = v === "locked" ? false : v === "unlocked" || v === "not_fully_locked" ? true : null;
                out.push(stateEntry(prop, v, act === null ? "unclassified" : "lock", act, {source: "exposes"}));
            }
        }
    }
}

// --------------------------------------------------------------------------------------------
// fromZigbee IAS zone converters.
const ZONE_INPUTS = [
    {bits: 0, label: "clear"},
    {bits: 1, label: "alarm_1"},
    {bits: 2, label: "alarm_2"},
    {bits: 4, label: "tamper"},
    {bits: 8, label: "battery_low"},
];

function meaningForPayloadKey(key, value, model) {
    // Classify an fz-produced property using the same tables, via the model's own expose.
    let node = model.flatIndex.get(key);
    // A key the model does not expose (fz IAS converters always add tamper/battery_low, ...):
    // classify it by name as a plain true/false binary.
    if (!node && typeof value === "boolean") node = {name: key, property: key, type: "binary", access: 1, value_on: true, value_off: false};
    if (!node) return {meaning: "unclassified", active: null};
    const tmp = [];
    deriveStates(node, tmp);
    const hit = tmp.find((s) => s.payload[key] === value);
    return hit ? {meaning: hit.meaning, active: hit.active} : {meaning: "unclassified", active: null};
}

async function runIasFz(def, device, model) {
    const out = [];
    const convs = (def.fromZigbee ?? []).filter((c) => c.cluster === "ssIasZone" && c.convert);
    if (!convs.length) return {states: out, ran: false};
    const endpoint = device.endpoints[0];
    for (const c of convs) {
        const types = Array.isArray(c.type) ? c.type : [c.type];
        for (const type of types) {
            if (!["commandStatusChangeNotification", "attributeReport"].includes(type)) continue;
            // attributeReport only where the model has no statusChangeNotification converter
            if (type === "attributeReport" && convs.some((x) => [x.type].flat().includes("commandStatusChangeNotification"))) continue;
            let clearPayload = null;
            for (const zi of ZONE_INPUTS) {
                const data = type === "attributeReport" ? {zoneStatus: zi.bits} : {zonestatus: zi.bits, extendedstatus: 0, zoneID: 0, delay: 0};
                const msg = {type, cluster: "ssIasZone", data, endpoint, device, meta: {zclTransactionSequenceNumber: 1, manufacturerCode: undefined, frameControl: {}}, groupID: 0, linkquality: 100};
                const meta = {device, logger: undefined, state: {}, deviceExposesChanged: () => {}};
                let payload;
                try {
                    const r = await withTimeout(c.convert(def, msg, () => {}, {}, meta), CALL_TIMEOUT_MS);
                    payload = r.ok ? r.v : undefined;
                } catch {
                    payload = undefined;
                }
                if (!payload || typeof payload !== "object") continue;
                if (zi.bits === 0) clearPayload = payload;
                for (const [k, v] of Object.entries(payload)) {
                    if (typeof v !== "boolean" && typeof v !== "number" && typeof v !== "string") continue;
                    // Keep the whole "clear" result, and for a set bit only what differs from it.
                    if (zi.bits !== 0 && clearPayload && clearPayload[k] === v) continue;
                    const {meaning, active} = meaningForPayloadKey(k, v, model);
                    const fz_input = type === "attributeReport" ? {type, zoneStatus: zi.bits} : {type, zonestatus: zi.bits};
                    out.push({payload: {[k]: v}, property: k, meaning, active, source: "fz", fz_input});
                }
            }
        }
    }
    return {states: out, ran: true};
}

// --------------------------------------------------------------------------------------------
// toZigbee: reproduce lib/extension/publish.ts for one `<friendly_name>/set` message.
async function publishSet(def, device, message) {
    const converters = def.toZigbee;
    const endpointMap = typeof def.endpoint === "function" ? def.endpoint(device) : undefined;
    const endpointNames = endpointMap ? Object.keys(endpointMap).filter((n) => n !== "default") : [];
    const defaultTarget = endpointMap?.default !== undefined ? device.getEndpoint(endpointMap.default) : device.endpoints[0];
    const results = [];
    const used = [];
    const entries = Object.entries(message);
    for (const [rawKey, value] of entries) {
        let key = rawKey;
        let endpointName;
        let target = defaultTarget;
        const m = endpointNames.length ? key.match(new RegExp(`^(.*?)_(${endpointNames.join("|")})$`)) : null;
        if (m) {
            endpointName = m[2];
            key = m[1];
            target = device.getEndpoint(endpointMap[endpointName]);
        }
        const converter = converters.find((c) => (!c.key || c.key.includes(key)) && (!c.endpoints || (endpointName && c.endpoints.includes(endpointName))));
        if (converter && used.includes(converter)) continue;
        if (!converter) { results.push({ok: false, error: "no converter"}); continue; }
        if (!converter.convertSet) { results.push({ok: false, error: "no converter (matched converter has no convertSet)"}); continue; }
        if (!target) { results.push({ok: false, error: "no endpoint"}); continue; }
        const meta = {
            endpoint_name: endpointName,
            options: {},
            message: {...message},
            device,
            state: {},
            membersState: undefined,
            mapped: def,
            deviceExposesChanged: () => {},
            publish: () => {},
        };
        if (endpointName) {
            for (const [k, v] of Object.entries(meta.message)) {
                if (k.endsWith(endpointName)) {
                    delete meta.message[k];
                    meta.message[k.substring(0, k.length - endpointName.length - 1)] = v;
                }
            }
        }
        const r = await withTimeout((async () => converter.convertSet(target, key, value, meta))(), CALL_TIMEOUT_MS);
        used.push(converter);
        if (r.timeout) results.push({ok: null, error: "timeout"});
        else if (r.ok) results.push({ok: true});
        else { if (process.env.ZHC_DEBUG) console.error(r.e?.stack); results.push({ok: false, error: String(r.e?.message ?? r.e)}); }
    }
    return results;
}

async function tryCandidate(def, device, payload) {
    sentLog = [];
    let results;
    try {
        results = await publishSet(def, device, payload);
    } catch (e) {
        results = [{ok: false, error: String(e?.message ?? e)}];
    }
    const sent = sentLog;
    sentLog = null;
    const wrote = sent.filter((s) => s.read === undefined && s.readResponse === undefined);
    const err = results.find((r) => r.ok === false)?.error;
    const timedOut = results.some((r) => r.ok === null);
    const threw = results.some((r) => r.ok === false);
    const accepted = !threw && results.length > 0 && wrote.length > 0;
    const c = {payload, accepted};
    if (!accepted) c.error = err ?? (timedOut ? "timeout and nothing sent" : "nothing sent");
    else if (timedOut) c.note = "timeout after sending";
    c.sent = sent;
    return c;
}

function uniqByJson(list) {
    const seen = new Set();
    return list.filter((x) => {
        const k = JSON.stringify(x);
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
    });
}

function valuesOf(e) {
    if (e.type === "enum") return [...(e.values ?? [])];
    if (e.type === "binary") return [e.value_on, e.value_off, ...(e.value_toggle !== undefined ? [e.value_toggle] : [])];
    if (e.type === "numeric") {
        const v = [];
        if (e.value_min !== undefined) v.push(e.value_min);
        if (e.value_max !== undefined) v.push(e.value_max);
        for (const p of e.presets ?? []) v.push(p.value);
        // homesec's default siren time (modes.*.siren_s 180 s), where a duration can be that.
        const duration = e.name === "duration" || e.name.endsWith("_duration");
        if (duration && (e.value_min ?? 0) <= 180 && (e.value_max ?? 180) >= 180 && !v.includes(180)) v.push(180);
        return v;
    }
    return [];
}

function sirenCandidates(e) {
    const prop = e.property ?? e.name;
    const feat = (n) => (e.features ?? []).find((f) => f.name === n);
    const c = [];
    if (e.name === "warning" && e.type === "composite") {
        const modes = feat("mode")?.values ?? [];
        const levels = feat("level")?.values;
        const strobe = feat("strobe");
        for (const mode of modes) {
            for (const level of levels ?? [undefined]) {
                for (const s of strobe ? [true, false] : [undefined]) {
                    const w = {mode};
                    if (level !== undefined) w.level = level;
                    if (s !== undefined) w.strobe = s;
                    w.duration = 180;
                    c.push({[prop]: w});
                }
            }
        }
        c.push({[prop]: {mode: "stop"}}, {[prop]: {mode: "burglar"}}, {[prop]: {mode: "emergency"}}, {[prop]: {mode: "fire"}});
        c.push({[prop]: {mode: "burglar", level: "high", strobe: true, strobe_level: "low", strobe_duty_cycle: 10, duration: 180}});
    } else if (e.name === "squawk" && e.type === "composite") {
        c.push({[prop]: {state: "system_is_armed", level: "high", strobe: false}}, {[prop]: {state: "system_is_disarmed", level: "high", strobe: false}});
        const states = feat("state")?.values ?? [];
        const levels = feat("level")?.values ?? [undefined];
        const strobe = feat("strobe") ? [true, false] : [undefined];
        for (const st of states) for (const l of levels) for (const s of strobe) {
            const o = {state: st};
            if (l !== undefined) o.level = l;
            if (s !== undefined) o.strobe = s;
            c.push({[prop]: o});
        }
    } else if (e.type === "composite") {
        // other settable composites (e.g. trigger_siren): every numeric bound / enum value of each feature, one at a time
        const base = {};
        for (const f of e.features ?? []) { const v = valuesOf(f); if (v.length) base[f.property ?? f.name] = v[0]; }
        c.push({[prop]: base});
        for (const f of e.features ?? []) for (const v of valuesOf(f)) c.push({[prop]: {...base, [f.property ?? f.name]: v}});
    } else if (e.name === "alarm") {
        for (const v of [true, false, "ON", "OFF", "START", 1, 0, ...valuesOf(e)]) c.push({[prop]: v});
    } else {
        for (const v of valuesOf(e)) c.push({[prop]: v});
    }
    return uniqByJson(c);
}

const zhcConstants = require("zigbee-herdsman-converters/lib/constants");
/** arm_mode candidates. zhc 26.112.0 exposes no arm_mode composite (only the tz.arm_mode converter
 * exists), so unless an expose lists modes, the modes are zhc's own lookups: constants.armNotification
 * (the form with `transaction`, an answer to a keypad's arm command) and constants.armMode (without it,
 * a panel status update). */
function keypadCandidates(e) {
    const prop = e?.property ?? "arm_mode";
    const exposed = (e?.features ?? []).find((f) => f.name === "mode")?.values;
    const withTx = exposed ?? Object.values(zhcConstants.armNotification);
    const withoutTx = exposed ?? Object.values(zhcConstants.armMode);
    const c = [];
    let tx = 12;
    for (const mode of withTx) c.push({[prop]: {mode, transaction: tx++}});
    for (const mode of withoutTx) c.push({[prop]: {mode}});
    // The delay forms homesec sends while an exit or entry delay runs.
    c.push({[prop]: {mode: "exit_delay", delay: 30}});
    c.push({[prop]: {mode: "entry_delay", delay: 30}});
    return uniqByJson(c);
}

// --------------------------------------------------------------------------------------------
async function main() {
    const all = loadDefinitions();
    let exposeFunctionFailures = 0;
    let exposeFunctions = 0;
    const failures = [];
    const models = [];
    const namesSeen = {};
    let fzRanModels = 0;

    for (const {raw, file} of all) {
        let def;
        try {
            def = zhc.prepareDefinition(raw);
        } catch (e) {
            failures.push({model: raw.model, vendor: raw.vendor, error: `prepareDefinition: ${e.message}`});
            continue;
        }
        const device = new Device(def);
        try {
            if (typeof def.endpoint === "function") device.addEndpointsFrom(def.endpoint(device));
        } catch {
            /* endpoint map needs a real device: ignore */
        }
        const r = resolveExposes(def, device);
        if (r.isFunction) exposeFunctions++;
        if (r.failed) {
            exposeFunctionFailures++;
            failures.push({model: def.model, vendor: def.vendor, error: r.error});
        }
        const plainAll = z2mPlain(r.exposes ?? []);
        // classification
        const modelFams = new Set();
        const perExpose = plainAll.map((e) => {
            const f = exposeFamilies(e);
            for (const x of f) modelFams.add(x);
            return f;
        });
        for (const e of plainAll) walk(e, (n) => {
            for (const f of nodeFamilies(n)) if (n.name !== "action") (namesSeen[f] ??= new Set()).add(n.type === "lock" ? "lock" : n.name);
            if (n.name === "action" && n.type === "enum") for (const v of n.values ?? []) {
                const s = String(v);
                if (ACTION_PANIC.includes(s)) (namesSeen.panic ??= new Set()).add(`action=${s}`);
                if ((n.values ?? []).includes("vibration") && ACTION_VIBRATION.includes(s)) (namesSeen.vibration ??= new Set()).add(`action=${s}`);
                if ([...ACTION_KEYPAD_STRICT, ...ACTION_KEYPAD_LOOSE].includes(s) && nodeFamilies(n).includes("keypad")) (namesSeen.keypad ??= new Set()).add(`action=${s}`);
            }
        });
        if (!QUALIFYING.some((f) => modelFams.has(f))) continue;
        const kept = plainAll.filter((e, i) => perExpose[i].size > 0);
        const model = {def, device, file, kept, families: [...modelFams].sort(), flatIndex: new Map()};
        for (const e of kept) {
            if (e.type !== "composite") {
                model.flatIndex.set(e.property ?? e.name, e);
                if (e.type === "lock") for (const f of e.features ?? []) model.flatIndex.set(f.property ?? f.name, f);
            }
        }
        models.push(model);
    }

    // states, siren, keypad
    Device.autoEndpoints = true;
    const lines = [];
    for (const m of models) {
        const {def, device, kept} = m;
        const states = [];
        for (const e of kept) {
            if (e.type === "lock") { lockStates(e, states); continue; }
            if (e.type === "composite") continue;
            if (!isPublished(e)) continue;
            const nf = exposeFamilies(e);
            if (nf.has("siren_settings") && ![...nf].some((f) => f !== "siren_settings")) continue; // configuration, not a state
            deriveStates(e, states);
        }
        const fz = await runIasFz(def, device, m);
        if (fz.ran) fzRanModels++;
        states.push(...uniqByJson(fz.states));
        const line = {model: def.model, vendor: def.vendor, description: def.description, exposes: kept, states: uniqByJson(states)};
        if (def.whiteLabel?.length) {
            // findByDevice only renames to a white label that carries a fingerprint; others publish as `model`.
            line.white_labels = def.whiteLabel.map((w) => z2mPlain({model: w.model, vendor: w.vendor ?? def.vendor,
                description: w.description ?? def.description, published_as_white_label: "fingerprint" in w}));
        }
        // siren
        const sirenExposes = kept.filter((e) => isSettable(e) && (nodeFamilies(e).includes("siren") || nodeFamilies(e).includes("siren_settings")));
        if (kept.some((e) => nodeFamilies(e).includes("siren"))) {
            const candidates = [];
            for (const e of sirenExposes) for (const p of sirenCandidates(e)) candidates.push(await tryCandidate(def, device, p));
            line.siren = {candidates};
        }
        // keypad
        const actionExpose = kept.find((e) => e.name === "action" && e.type === "enum" && nodeFamilies(e).includes("keypad"));
        const armExpose = kept.find((e) => e.name === "arm_mode" && e.type === "composite" && isSettable(e));
        const armConverter = def.toZigbee.some((c) => c.key?.includes("arm_mode") && c.convertSet);
        if (actionExpose || armExpose) {
            const kp = {actions: actionExpose ? actionExpose.values.map(String) : []};
            if (armExpose || armConverter) {
                const candidates = [];
                for (const p of keypadCandidates(armExpose)) candidates.push(await tryCandidate(def, device, p));
                kp.arm_mode = {candidates};
            }
            line.keypad = kp;
        }
        m.line = line;
        lines.push(line);
    }
    lines.sort((a, b) => (a.vendor < b.vendor ? -1 : a.vendor > b.vendor ? 1 : a.model < b.model ? -1 : a.model > b.model ? 1 : 0));

    const families = {};
    for (const f of [...QUALIFYING, "battery", "siren_settings"]) families[f] = [...(namesSeen[f] ?? [])].sort();
    const header = {
        zhc_version: ZHC_VERSION,
        zigbee2mqtt_version: Z2M_VERSION,
        generated: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
        definitions: all.length,
        security_models: lines.length,
        expose_function_failures: exposeFunctionFailures,
        families,
    };
    fs.mkdirSync(OUT_DIR, {recursive: true});
    const jsonl = [JSON.stringify(header), ...lines.map((l) => JSON.stringify(l))].join("\n") + "\n";
    fs.writeFileSync(path.join(OUT_DIR, "security-devices.jsonl"), jsonl);

    // summary
    const summary = buildSummary(lines, header, {exposeFunctions, failures, fzRanModels});
    fs.writeFileSync(path.join(OUT_DIR, "summary.json"), JSON.stringify(summary, null, 1) + "\n");
    printReport(lines, header, summary);
}

function candidateForm(payload) {
    const [k, v] = Object.entries(payload)[0];
    if (k.startsWith("warning")) {
        const keys = Object.keys(v).sort().join("+");
        return `warning{${keys}}${v.mode === "stop" ? ":stop" : ""}`;
    }
    if (k.startsWith("squawk")) return "squawk";
    if (typeof v === "object") return `${k}{${Object.keys(v).sort().join("+")}}`;
    return `${k}=${JSON.stringify(v)}`;
}

function buildSummary(lines, header, extra) {
    const perFamily = {};
    const perMeaning = {};
    const unclassified = new Map();
    for (const l of lines) {
        const fams = new Set();
        for (const e of l.exposes) for (const f of exposeFamilies(e)) fams.add(f);
        for (const f of fams) perFamily[f] = (perFamily[f] ?? 0) + 1;
        const meanings = new Set(l.states.map((s) => s.meaning));
        for (const mm of meanings) perMeaning[mm] = (perMeaning[mm] ?? 0) + 1;
        for (const s of l.states) if (s.meaning === "unclassified") {
            const k = JSON.stringify([s.property, s.payload[s.property], s.source]);
            if (!unclassified.has(k)) unclassified.set(k, new Set());
            unclassified.get(k).add(`${l.vendor}/${l.model}`);
        }
    }
    const sirens = lines.filter((l) => l.siren);
    const forms = {};
    for (const l of sirens) {
        const seen = new Map();
        for (const c of l.siren.candidates) {
            const f = candidateForm(c.payload);
            seen.set(f, (seen.get(f) ?? false) || c.accepted);
        }
        for (const [f, acc] of seen) {
            forms[f] ??= {models: 0, accepted_by: 0};
            forms[f].models++;
            if (acc) forms[f].accepted_by++;
        }
    }
    const sirenTriggerAccepted = sirens.filter((l) => l.siren.candidates.some((c) => c.accepted && /^(warning|alarm)(_|$)/.test(Object.keys(c.payload)[0]))).length;
    const keypads = lines.filter((l) => l.keypad);
    const armForms = {};
    for (const l of keypads) for (const c of l.keypad.arm_mode?.candidates ?? []) {
        const v = Object.values(c.payload)[0];
        const f = `${v.mode}${v.transaction !== undefined ? "+transaction" : ""}${v.delay !== undefined ? "+delay" : ""}`;
        armForms[f] ??= {models: 0, accepted_by: 0};
        armForms[f].models++;
        if (c.accepted) armForms[f].accepted_by++;
    }
    // unclassified grouped by property -> values
    const uncl = {};
    for (const [k, set] of [...unclassified].sort()) {
        const [prop, value, source] = JSON.parse(k);
        (uncl[prop] ??= []).push({value, source, models: [...set].sort()});
    }
    return {
        zhc_version: header.zhc_version,
        zigbee2mqtt_version: header.zigbee2mqtt_version,
        generated: header.generated,
        definitions: header.definitions,
        security_models: header.security_models,
        expose_functions_called: extra.exposeFunctions,
        expose_function_failures: header.expose_function_failures,
        expose_function_failure_details: extra.failures,
        models_with_ias_fz_run: extra.fzRanModels,
        models_per_family: perFamily,
        models_per_state_meaning: perMeaning,
        siren_models: sirens.length,
        siren_models_with_accepted_warning_or_alarm: sirenTriggerAccepted,
        siren_candidate_forms: forms,
        keypad_models: keypads.length,
        keypad_models_with_arm_mode: keypads.filter((l) => l.keypad.arm_mode).length,
        arm_mode_candidate_forms: armForms,
        unclassified_shapes: unclassified.size,
        unclassified: uncl,
    };
}

function printReport(lines, header, summary) {
    const p = (s) => process.stdout.write(`${s}\n`);
    p(JSON.stringify(header));
    p(`definitions=${header.definitions} security_models=${header.security_models} expose_function_failures=${header.expose_function_failures}`);
    p(`siren_models=${summary.siren_models} with_accepted_warning_or_alarm=${summary.siren_models_with_accepted_warning_or_alarm}`);
    p(`keypad_models=${summary.keypad_models} unclassified_shapes=${summary.unclassified_shapes}`);
    for (const f of ["security-devices.jsonl", "summary.json"]) p(`${f}: ${fs.statSync(path.join(OUT_DIR, f)).size} bytes`);
}

main().then(
    () => process.exit(0),
    (e) => {
        console.error(e);
        process.exit(1);
    },
);
