import Foundation
import Testing
@testable import ZooFormat

/// The header's JSON reader: what JSONSerialization reads, it reads the same; what is not JSON
/// (or nests without end, or repeats a key) it refuses with the byte where it stopped.
@Suite struct HeaderJSONTests {
    func parse(_ text: String) throws -> HeaderJSON {
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBytes { try HeaderJSON.parse($0) }
    }

    func failure(_ text: String) -> HeaderJSONError? {
        do { _ = try parse(text); return nil } catch let error as HeaderJSONError { return error } catch { return nil }
    }

    /// The value as Foundation objects, to compare with JSONSerialization's reading.
    func foundation(_ value: HeaderJSON) -> NSObject {
        switch value {
        case .object(let members):
            NSDictionary(dictionary: Dictionary(uniqueKeysWithValues: members.map { ($0.key, foundation($0.value)) }))
        case .array(let items): NSArray(array: items.map(foundation))
        case .string(let s): NSString(string: s)
        case .integer(let n): NSNumber(value: n)
        case .number(let x): NSNumber(value: x)
        case .bool(let b): NSNumber(value: b)
        case .null: NSNull()
        }
    }

    @Test(arguments: [
        #"{"a": [1, -2, 3.5, 1e3, -0.25E-2, 0], "b": {"c": true, "d": false, "e": null}, "f": ""}"#,
        #"{"esc": "q\" b\\ s\/ \b\f\n\r\t u\u00e9\u4e2d pair\ud83d\ude00 raw é中😀"}"#,
        #"  [ ]  "#, #"{}"#, #""plain""#, "123456789012", "-7",
    ])
    func readsWhatJSONSerializationReads(_ text: String) throws {
        let expected = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as! NSObject
        #expect(foundation(try parse(text)) == expected)
    }

    @Test func keepsIntegersExactAndOrder() throws {
        let value = try parse(#"{"z": [9007199254740993, 0, -1], "a": 1.0}"#)
        #expect(value.members?.map(\.key) == ["z", "a"])
        #expect(value["z"]?.integers == [9_007_199_254_740_993, 0, -1])
        #expect(value["a"]?.integers == nil)
        if case .number(let x)? = value["a"] { #expect(x == 1) } else { Issue.record("1.0 is not an integer") }
    }

    @Test(arguments: [
        ("", "unexpected end", 0), ("{", "expected a string key", 1), (#"{"a" 1}"#, "expected ':'", 5),
        (#"{"a": 1,}"#, "expected a string key", 8), ("[1 2]", "expected ',' or ']'", 3), ("01", "text after the JSON value", 1),
        ("1.", "bad number", 2), ("-", "bad number", 1), ("tru", "unexpected word", 0), (#""abc"#, "unterminated string", 0),
        ("\"a\tb\"", "control character in a string", 2), (#""\x""#, "bad escape in a string", 3),
        (#""\u12G4""#, #"bad hex digit in a \u escape"#, 5), (#""\ud800x""#, #"lone surrogate in a \u escape"#, 7),
        (#""\udc00""#, #"lone surrogate in a \u escape"#, 7), (#"{"a": 1, "a": 2}"#, "key 'a' appears twice", 9),
        ("[1] x", "text after the JSON value", 4), ("99999999999999999999999e99999", "bad number", 0),
    ] as [(String, String, Int)])
    func refusesWhatIsNotJSON(_ text: String, detail: String, offset: Int) {
        let error = failure(text)
        #expect(error?.detail == detail, "\(text)")
        #expect(error?.offset == offset, "\(text)")
    }

    @Test func refusesBytesThatAreNotUTF8() {
        let bytes: [UInt8] = Array(#"{"a": ""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        let error = bytes.withUnsafeBytes { bytes -> HeaderJSONError? in
            do { _ = try HeaderJSON.parse(bytes); return nil } catch let error as HeaderJSONError { return error } catch { return nil }
        }
        #expect(error?.detail == "string is not UTF-8")
    }

    @Test func refusesNestingPastTheLimit() {
        let deep = String(repeating: "[", count: HeaderJSON.maxDepth + 1) + String(repeating: "]", count: HeaderJSON.maxDepth + 1)
        #expect(failure(deep)?.detail == "nested deeper than \(HeaderJSON.maxDepth) levels")
        let limit = String(repeating: "[", count: HeaderJSON.maxDepth) + String(repeating: "]", count: HeaderJSON.maxDepth)
        #expect(failure(limit) == nil)
    }
}
