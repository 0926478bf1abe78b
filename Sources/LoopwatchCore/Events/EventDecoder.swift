/// Decodes one input message (SPEC §1) into an ``InteractionEvent``, or says why it is a bad
/// event (SPEC §6). The hot path of the worker: a single pass over the bytes, no Foundation, no
/// allocation beyond the strings and arrays the event keeps.
///
/// Checks, in order (the first failure is reported):
/// 1. size: over `maxEventBytes` → `too_large`; nothing but whitespace (or a lone UTF-8 byte
///    order mark) → `empty_message`;
/// 2. UTF-8 (strict RFC 3629) → `invalid_utf8` with the byte offset;
/// 3. JSON syntax (strict RFC 8259; nesting up to 64 levels; nothing after the object) and a
///    top-level object → `invalid_json` with the byte offset;
/// 4. fields, the first problem in message order: wrong JSON type → `wrong_type`; a bad value →
///    `invalid_value`, `unknown_kind` or `bad_timestamp`; a known field given twice →
///    `invalid_json`;
/// 5. required fields (`id`, `conversation_id`, `kind`, `occurred_at`, and `status` for
///    `kind: status`) → `missing_field`;
/// 6. `occurred_at` more than `maxFutureSkew` after `now` → `future_timestamp`.
///
/// Conventions where the specification leaves a choice:
/// - a leading UTF-8 byte order mark is skipped (RFC 8259 §8.1 allows ignoring it);
/// - duplicate keys are errors for the known fields, inside `author` and inside `attributes`
///   (`invalid_json`, "appears more than once"); duplicate unknown fields are not checked;
/// - JSON `null` for any field means the field is absent (a required field then is
///   `missing_field`); a `null` attribute value leaves that attribute out; an empty `channel`
///   means `"unknown"`;
/// - `status` is validated whenever present but kept only for `kind: status`;
/// - timestamps follow ``RFC3339`` (space separator accepted, leap second clamped to `:59.999`).
public struct EventDecoder: Sendable {
    /// Largest accepted message, in bytes (`processing.max_event_bytes`).
    public var maxEventBytes: Int
    /// How far `occurred_at` may be ahead of `now` (`processing.max_future_skew`); nil: no limit.
    public var maxFutureSkew: TimeSpan?
    /// What of the optional parts is kept (everything is validated either way).
    public var projection: EventProjection

    /// Creates a decoder with the limits of `processing.max_event_bytes` and
    /// `processing.max_future_skew`, keeping what `projection` says.
    public init(maxEventBytes: Int = 65536, maxFutureSkew: TimeSpan? = .minutes(5), projection: EventProjection = .all)
    {
        self.maxEventBytes = maxEventBytes
        self.maxFutureSkew = maxFutureSkew
        self.projection = projection
    }

    /// Decodes a message. `now` is the wall clock for the future-skew check; nil skips it.
    public func decode(_ bytes: UnsafeRawBufferPointer, now: Timestamp?) -> Result<InteractionEvent, BadEvent> {
        var event = InteractionEvent(id: "", conversationID: "", kind: .broadcast, occurredAt: .distantPast)
        if let bad = decode(bytes, now: now, into: &event) { return .failure(bad) }
        return .success(event)
    }

    /// Decodes a message into `event` (whatever it held is replaced), or returns why it is a bad
    /// event (then `event` holds a partial decode). For batches: decoding into the elements of a
    /// reused array copies no event and retains none of its strings.
    public func decode(_ bytes: UnsafeRawBufferPointer, now: Timestamp?, into event: inout InteractionEvent)
        -> BadEvent?
    {
        let n = bytes.count
        guard n <= maxEventBytes else {
            return BadEvent(.tooLarge, "message is \(n) bytes, over the limit of \(maxEventBytes) bytes")
        }
        guard n > 0, let base = bytes.baseAddress else { return BadEvent(.emptyMessage, "message is empty") }

        var start = 0
        if n >= 3, base.load(as: UInt8.self) == 0xEF, base.load(fromByteOffset: 1, as: UInt8.self) == 0xBB,
            base.load(fromByteOffset: 2, as: UInt8.self) == 0xBF
        {
            start = 3
        }
        var scanner = JSONScanner(base: base, count: n, pos: start)
        scanner.skipWhitespace()
        guard scanner.pos < n else { return BadEvent(.emptyMessage, "message contains only whitespace") }
        if let bad = UTF8Validator.firstInvalidOffset(bytes) {
            let b = base.load(fromByteOffset: bad, as: UInt8.self)
            return BadEvent(.invalidUTF8, "message is not valid UTF-8: invalid byte 0x\(Self.hex(b)) at byte \(bad)")
        }

        var parser = EventParser(scanner: scanner, projection: projection)
        event.reset()
        do {
            try parser.parse(into: &event)
        } catch {
            return BadEvent(.invalidJSON, "message is not valid JSON: \(error.description)")
        }
        return parser.finish(&event, now: now, maxFutureSkew: maxFutureSkew)
    }

    /// Decodes a message held in an array.
    public func decode(_ bytes: [UInt8], now: Timestamp?) -> Result<InteractionEvent, BadEvent> {
        bytes.withUnsafeBytes { decode($0, now: now) }
    }

    /// Decodes one line of a JSONL file (for `loopwatch replay`).
    public func decode(_ line: Substring, now: Timestamp?) -> Result<InteractionEvent, BadEvent> {
        var line = line
        return line.withUTF8 { decode(UnsafeRawBufferPointer($0), now: now) }
    }

    /// Decodes a message held in a string.
    public func decode(_ line: String, now: Timestamp?) -> Result<InteractionEvent, BadEvent> {
        var line = line
        return line.withUTF8 { decode(UnsafeRawBufferPointer($0), now: now) }
    }

    private static func hex(_ b: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(b >> 4)], digits[Int(b & 0xF)]])
    }
}
