// dump.mjs: decode one FIT file with Garmin's official FIT SDK for JavaScript
// (@garmin/fitsdk, pinned in package.json) and print what the conformance test
// in ../../conformance_test.go compares against gaitkeeper's decoder.
//
//   node dump.mjs FILE.fit
//
// Prints ONE JSON object on stdout:
//
//   {"sdk_version": "21.217.0",
//    "errors": ["FIT Runtime Error at byte 123 ..."],   // Decoder.read() errors, as strings
//    "sdk_workaround": null,                            // or what was done about an SDK bug (below)
//    "isFIT": true, "integrity": true,                  // Decoder.isFIT(), Decoder.checkIntegrity()
//    "sessions": [{"start_time": "...Z", "timestamp": "...Z", "total_elapsed_time": 1.5,
//                  "sport": "running", "sub_sport": "generic", ...}],
//    "records":  [{"timestamp": "...Z", "heart_rate": 150, ..., "dev": {"Power": 250}}]}
//
// Field names are the SDK's camelCase names turned back into the FIT profile's
// snake_case (enhancedSpeed -> enhanced_speed; digits are left alone, so the
// profile's speed_1s comes out as speed1s). Enum values stay as the SDK
// names them, which is camelCase too ("openWater" for open_water). Dates are
// ISO-8601 UTC strings.
// Numbers the SDK gives as NaN (an invalid float32) come out as null.
// "dev" holds the record's developer fields by field_name (from the file's
// field_description messages), scaled by the field_description's scale and
// offset when it has them: the SDK itself returns developer values unscaled.
//
// Exit status: 0 whenever the file could be read, even when the SDK reports
// decode errors (they are in "errors"); 2 when this script cannot run (no
// argument, unreadable file, SDK not installed: run `npm ci` here).
//
// What the SDK does, read from its source (src/decoder.js, src/stream.js):
// - read() decodes chained FIT files: it loops "while position < length",
//   decoding one header + data + CRC after another, keeping local message
//   definitions and developer definitions across sequences. Every sequence
//   must start with a valid header (size 12 or 14, ".FIT"), else the error
//   "input is not a FIT file" stops it.
// - Compressed-timestamp record headers are not supported: decoding stops
//   at the first one ("compressed timestamp messages are not currently
//   supported").
// - Strings are read whole and cut at the first NUL, so an unterminated
//   string is simply the whole field.
// - Any error (truncation, CRC mismatch, compressed timestamp header, unknown
//   base type, undefined local message) ends decoding; read() catches it and
//   returns every message completed before it, plus the error.
// - The header CRC is never checked by read(); checkIntegrity() checks it
//   (accepting 0x0000) and the file CRC of the FIRST sequence only.
// - A field whose size is not a multiple of its base type size is skipped
//   (its bytes are consumed, the field is absent from the message).
// - A single value equal to the base type's invalid sentinel is dropped
//   (the field is absent); an array that is all-invalid is dropped, partly
//   invalid arrays get null elements. float32/float64 invalid (all bits set)
//   is NOT recognised: it reads as NaN.
const EXIT_CANNOT_RUN = 2;

function die(msg) {
    process.stderr.write(`dump.mjs: ${msg}\n`);
    process.exit(EXIT_CANNOT_RUN);
}

const file = process.argv[2];
if (!file) {
    die("usage: node dump.mjs FILE.fit");
}

let fs, sdk, sdkVersion;
try {
    fs = await import("node:fs");
    sdk = await import("@garmin/fitsdk");
    const pkgURL = new URL("./node_modules/@garmin/fitsdk/package.json", import.meta.url);
    sdkVersion = JSON.parse(fs.readFileSync(pkgURL, "utf8")).version;
} catch (err) {
    die(`cannot load @garmin/fitsdk (run npm ci in ${new URL(".", import.meta.url).pathname}): ${err.message}`);
}

let bytes;
try {
    bytes = fs.readFileSync(file);
} catch (err) {
    die(`cannot read ${file}: ${err.message}`);
}

const { Decoder, Stream } = sdk;

const snake = (name) => (typeof name === "string" ? name.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase()) : String(name));

const readOptions = {
    applyScaleAndOffset: true,
    expandSubFields: true,
    expandComponents: true,
    convertTypesToStrings: true,
    convertDateTimesToDates: true,
    includeUnknownData: false,
    // The SDK default: beats from hr messages (HRM-Tri/Swim/Pro, often in
    // chained sequences) are merged into records. ingest/hr.go ports it.
    mergeHeartRates: true,
    decodeMemoGlobs: false,
};

// SDK bug (21.217.0, src/decoder.js #setAccumulatedField): when a message
// holds both an accumulated field and a field whose components expand into
// it (record: cycles + total_cycles, compressed_speed_distance + distance,
// compressed_accumulated_power + accumulated_power; hr: event_timestamp_12 +
// event_timestamp), it reads `containingField.offset[i]` from the decoded
// field entry, which has no offset/scale, and throws a TypeError that ends
// decoding (a Garmin triathlon file then yields no records at all). The code
// means the containing field's profile scale[i] and offset[i]. When, and only
// when, read() fails that way, decode again with those two properties
// supplied from the profile, and say so in "sdk_workaround".
const isAccumulatorBug = (e) =>
    e instanceof TypeError && /setAccumulatedField/.test(e.stack ?? "");

function withAccumulatorFix(fn) {
    const { Profile } = sdk;
    const table = new Map(); // containing field number -> {scale, offset}
    for (const m of Object.values(Profile.messages)) {
        for (const f of Object.values(m.fields)) {
            f.components.forEach((c) => {
                if (m.fields[c]?.isAccumulated) table.set(f.num, { scale: f.scale, offset: f.offset });
            });
        }
    }
    const lookup = (self, prop) => {
        if (self == null || !Object.hasOwn(self, "fieldDefinitionNumber") || !Object.hasOwn(self, "rawFieldValue")) return undefined;
        return table.get(self.fieldDefinitionNumber)?.[prop];
    };
    const define = (prop) => Object.defineProperty(Object.prototype, prop, {
        configurable: true, enumerable: false,
        get() { return lookup(this, prop); },
        set(v) { Object.defineProperty(this, prop, { value: v, writable: true, enumerable: true, configurable: true }); },
    });
    define("offset");
    define("scale");
    try {
        return fn();
    } finally {
        delete Object.prototype.offset;
        delete Object.prototype.scale;
    }
}

let out;
try {
    const decode = () => new Decoder(Stream.fromBuffer(bytes)).read(readOptions);
    const decoder = new Decoder(Stream.fromBuffer(bytes));
    const isFIT = decoder.isFIT();
    const integrity = decoder.checkIntegrity();

    let { messages, errors } = decode();
    let workaround = null;
    if (errors.some(isAccumulatorBug)) {
        const first = errors.find(isAccumulatorBug);
        workaround = `SDK TypeError in #setAccumulatedField (${first.message}); decoded again with the containing field's profile scale/offset supplied`;
        ({ messages, errors } = withAccumulatorFix(decode));
    }

    // key -> field description. The SDK numbers field descriptions with a
    // running "key" and stores developer values under that key.
    const devFields = new Map();
    for (const fd of messages.fieldDescriptionMesgs ?? []) {
        if (fd.key == null) continue;
        let name = fd.fieldName;
        if (Array.isArray(name)) name = name[0];
        devFields.set(fd.key, {
            name: name ?? `dev_${fd.developerDataIndex}_${fd.fieldDefinitionNumber}`,
            scale: typeof fd.scale === "number" ? fd.scale : null,
            offset: typeof fd.offset === "number" ? fd.offset : null,
        });
    }

    const scaleDev = (v, fd) => {
        if (typeof v !== "number") return v;
        let x = v;
        if (fd.scale != null && fd.scale !== 0) x = x / fd.scale;
        if (fd.offset != null) x = x - fd.offset;
        return x;
    };

    const convert = (mesg) => {
        const o = {};
        for (const [k, v] of Object.entries(mesg)) {
            if (k === "developerFields") {
                const dev = {};
                for (const [key, val] of Object.entries(v)) {
                    const fd = devFields.get(Number(key));
                    if (fd == null) {
                        dev[`key_${key}`] = val;
                        continue;
                    }
                    dev[fd.name] = Array.isArray(val) ? val.map((x) => scaleDev(x, fd)) : scaleDev(val, fd);
                }
                o.dev = dev;
                continue;
            }
            o[snake(k)] = v;
        }
        return o;
    };

    out = {
        sdk_version: sdkVersion,
        errors: errors.map((e) => (e instanceof Error ? e.message : String(e))),
        sdk_workaround: workaround,
        isFIT,
        integrity,
        sessions: (messages.sessionMesgs ?? []).map(convert),
        records: (messages.recordMesgs ?? []).map(convert),
    };
} catch (err) {
    // The SDK's read() catches its own errors; anything here is unexpected
    // but still about the file, so report it rather than fail.
    out = { sdk_version: sdkVersion, errors: [`dump.mjs: ${err.stack ?? err}`], isFIT: false, integrity: false, sessions: [], records: [] };
}

const replacer = (_key, value) => {
    if (typeof value === "bigint") return Number(value);
    if (typeof value === "number" && !Number.isFinite(value)) return null;
    return value;
};

process.stdout.write(JSON.stringify(out, replacer) + "\n");
