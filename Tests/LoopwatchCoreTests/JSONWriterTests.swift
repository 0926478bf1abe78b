import Foundation
import Testing

@testable import LoopwatchCore

@Suite struct JSONWriterTests {
    static func written(_ build: (inout JSONWriter) -> Void) -> String {
        var w = JSONWriter()
        build(&w)
        return w.string
    }

    @Test func writesNestedStructures() {
        let json = Self.written { w in
            w.beginObject()
            w.key("a")
            w.int(1)
            w.key("b")
            w.beginArray()
            w.int(-2)
            w.bool(true)
            w.bool(false)
            w.null()
            w.beginObject()
            w.endObject()
            w.beginArray()
            w.endArray()
            w.endArray()
            w.key("c")
            w.beginObject()
            w.key("d")
            w.string("e")
            w.endObject()
            w.key("t")
            w.timestamp(Timestamp(millis: 1_798_761_600_123))
            w.endObject()
        }
        #expect(json == #"{"a":1,"b":[-2,true,false,null,{},[]],"c":{"d":"e"},"t":"2027-01-01T00:00:00.123Z"}"#)
    }

    static let integers: [(Int64, String)] = [
        (0, "0"), (7, "7"), (-7, "-7"), (1_000_000, "1000000"),
        (.max, "9223372036854775807"), (.min, "-9223372036854775808"),
    ]

    @Test(arguments: integers)
    func writesIntegers(value: Int64, text: String) {
        #expect(Self.written { $0.int(value) } == text)
        #expect(
            Self.written {
                $0.beginArray()
                $0.int(Int(value))
                $0.int(value)
                $0.endArray()
            } == "[\(text),\(text)]")
    }

    static let escapes: [(String, String)] = [
        ("plain", #""plain""#),
        ("", #""""#),
        ("say \"hi\"", #""say \"hi\"""#),
        ("back\\slash", #""back\\slash""#),
        ("a/b", #""a/b""#),
        ("l1\nl2\rl3\tx\u{08}y\u{0C}z", #""l1\nl2\rl3\tx\by\fz""#),
        ("\u{0}\u{1}\u{1F}\u{7F}", #""\u0000\u0001\u001f\#u{7F}""#),
        ("line\u{2028}para\u{2029}end", #""line\u2028para\u2029end""#),
        ("café 😀 👍🏽 €", #""café 😀 👍🏽 €""#),
        ("\u{2027}\u{202A}", "\"\u{2027}\u{202A}\""),
    ]

    @Test(arguments: escapes)
    func escapesStrings(value: String, json: String) throws {
        #expect(Self.written { $0.string(value) } == json)
        #expect(
            Self.written {
                $0.beginObject()
                $0.key(value)
                $0.int(1)
                $0.endObject()
            } == "{\(json):1}")
        // Foundation reads back the same value.
        let parsed = try JSONSerialization.jsonObject(with: Data("[\(json)]".utf8)) as? [String]
        #expect(parsed == [value])
    }

    @Test func roundTripsThroughJSONSerialization() throws {
        var w = JSONWriter()
        w.beginObject()
        w.key("specversion")
        w.string("1.0")
        w.key("tricky \"key\"\n")
        w.string("\u{2028}\t\\ \u{1}😀")
        w.key("list")
        w.beginArray()
        w.int(1)
        w.string("two")
        w.null()
        w.endArray()
        w.key("flag")
        w.bool(true)
        w.key("at")
        w.timestamp(Timestamp(millis: -1))
        w.endObject()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(w.bytes)) as? [String: Any])
        #expect(object["specversion"] as? String == "1.0")
        #expect(object["tricky \"key\"\n"] as? String == "\u{2028}\t\\ \u{1}😀")
        #expect((object["list"] as? [Any])?.count == 3)
        #expect(object["flag"] as? Bool == true)
        #expect(object["at"] as? String == "1969-12-31T23:59:59.999Z")
        #expect(w.string == String(decoding: w.bytes, as: UTF8.self))
    }

    static let truncations: [(String, Int, String)] = [
        ("short", 10, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("hello world", 8, "hello…"),  // 5 bytes + 3-byte ellipsis
        ("héllo", 5, "h…"),  // é is 2 bytes: "hé" + … would be 6
        ("😀😀😀", 10, "😀…"),  // 4 + 3 ≤ 10, 8 + 3 > 10
        ("👍🏽👍🏽", 11, "👍🏽…"),  // one grapheme of 8 bytes is never split
        ("👍🏽👍🏽", 10, "…"),
        ("e\u{301}e\u{301}e", 6, "e\u{301}…"),  // combining accent stays with its letter
        ("e\u{301}e\u{301}", 5, "…"),
        ("abcdef", 3, "…"),
        ("abcdef", 2, ""),
        ("", 0, ""),
    ]

    @Test(arguments: truncations)
    func truncatesOnCharacterBoundaries(text: String, max: Int, expected: String) {
        let cut = JSONWriter.truncated(text, maxUTF8Bytes: max)
        #expect(cut == expected)
        #expect(cut.utf8.count <= max)
    }
}

/// The eight-bytes-at-a-time scan of ``JSONWriter`` against a byte-by-byte reference: every
/// character that needs escaping at every offset of strings longer than one chunk.
@Suite struct JSONWriterChunkedScanTests {
    static func reference(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            case _ where u.value < 0x20: out += String(format: "\\u%04x", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    @Test(arguments: ["\"", "\\", "\n", "\u{1F}", "\u{0}", "\u{2028}", "\u{2029}", "é", "€", "😀", "\u{7F}", "~"])
    func escapesAtEveryOffset(special: String) {
        for length in [7, 8, 9, 15, 16, 17, 31, 40] {
            for at in 0...length {
                let s = String(repeating: "a", count: at) + special + String(repeating: "b", count: length - at)
                var w = JSONWriter()
                w.string(s)
                #expect(w.string == Self.reference(s), "\(special.debugDescription) at \(at) of \(length)")
            }
        }
    }

    @Test func keyASCIIAndNewlineWriteJSONLines() {
        var w = JSONWriter()
        w.beginObject()
        w.key(ascii: "a")
        w.int(1)
        w.key(ascii: "b")
        w.string("x")
        w.endObject()
        w.newline()
        w.beginObject()
        w.endObject()
        w.newline()
        #expect(w.string == "{\"a\":1,\"b\":\"x\"}\n{}\n")
        w.removeAll()
        w.beginArray()
        w.endArray()
        #expect(w.string == "[]")
    }
}
