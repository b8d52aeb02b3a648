import Foundation
import Testing
@testable import ZooFormat
import ZooGraph
import ZooKernels

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
        case .number(let text): NSNumber(value: Double(text)!)
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
        if case .number(let text)? = value["a"] { #expect(text == "1.0") } else { Issue.record("1.0 is not an integer") }
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

    @Test func refusesARepeatedKeyInALargeObject() throws {
        let members = (0..<40).map { "\"k\($0)\": \($0)" }
        #expect(try parse("{" + members.joined(separator: ",") + "}").members?.count == 40)
        #expect(failure("{" + (members + ["\"k17\": 0"]).joined(separator: ",") + "}")?.detail == "key 'k17' appears twice")
        #expect(failure("{" + (members + ["\"k39\": 0"]).joined(separator: ",") + "}")?.detail == "key 'k39' appears twice")
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

/// The graph JSON read through `HeaderJSONDecoder` gives what JSONDecoder gives, for every op
/// and the awkward floats (non-finite pads, shortest-form decimals, Keras' ReLU without a max).
@Suite struct HeaderJSONDecoderTests {
    static let ops: [Op] = [
        .conv2d(Conv2DParams(kernel: Size2D(3, 3), strides: Size2D(2, 2), padding: Padding2D(bottom: 1, right: 1),
                             paddingRule: .same, groups: 4, activation: .clip(min: -0.5, max: 1.5))),
        .dense(DenseParams(activation: .kerasReLU(maxValue: nil, negativeSlope: 0.1, threshold: 1e-7))),
        .batchNorm(epsilon: 1.001e-5), .activation(.hardSigmoid(alpha: 0.2, beta: 0.5)), .activation(.leakyRelu(alpha: 0.3)),
        .softmax(axis: -1), .pool2d(Pool2DParams(kind: .max, kernel: Size2D(3, 3), strides: Size2D(2, 2), padding: Padding2D(top: 1, left: 1),
                                                 paddingRule: .same, ceilMode: true)),
        .globalPool(.average, keepDims: true), .binary(.div), .concat(axis: 3),
        .pad(before: [0, 1, 1, 0], after: [0, 2, 2, 0], value: -.infinity), .pad(before: [0], after: [1], value: 0.1),
        .flatten(axis: 1), .reshape([1, -1]), .transpose([0, 3, 1, 2]), .identity,
    ]

    @Test func everyOpReadsAsJSONDecoderReadsIt() throws {
        let data = try JSONEncoder.graphJSON.encode(Self.ops)
        let expected = try JSONDecoder.graphJSON.decode([Op].self, from: data)
        let parsed = try data.withUnsafeBytes { try HeaderJSON.parse($0) }
        let decoded = try HeaderJSONDecoder.decode([Op].self, from: parsed)
        #expect(decoded == expected)
        #expect(decoded == Self.ops)
    }

    @Test func floatsComeFromTheirTextNotThroughDouble() throws {
        // Every float32 bit pattern in a sweep (plus the extremes) survives JSONEncoder -> text -> Float.
        var floats: [Float] = [.leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, -0.0, 1e-45, 3.4028235e38]
        var bits: UInt32 = 0x0080_0000
        while bits < 0x7F00_0000 { floats.append(Float(bitPattern: bits &+ 0x3FF)); bits &+= 0x0003_1F7B }
        let data = try JSONEncoder.graphJSON.encode(floats)
        let decoded = try HeaderJSONDecoder.decode([Float].self, from: data.withUnsafeBytes { try HeaderJSON.parse($0) })
        let changed = zip(decoded, floats).filter { $0.bitPattern != $1.bitPattern }
        #expect(decoded.count == floats.count && changed.isEmpty, "\(changed.prefix(5))")
    }

    @Test func wrongShapesAreDecodingErrors() throws {
        for text in [#"{"type": "conv2d"}"#, #"{"type": 3}"#, #"{"type": "softmax", "axis": 1.5}"#, #"{"type": "reshape", "dims": [1, "x"]}"#,
                     #"{"type": "softmax", "axis": 99999999999999999999}"#, #"{"type": "teleport"}"#] {
            let parsed = try Array(text.utf8).withUnsafeBytes { try HeaderJSON.parse($0) }
            #expect(throws: DecodingError.self, "\(text)") { try HeaderJSONDecoder.decode(Op.self, from: parsed) }
        }
    }

    /// An error names where it happened, as JSONDecoder's do: the path is built only for errors.
    @Test func errorsCarryTheirCodingPath() throws {
        let text = #"[{"type": "identity"}, {"type": "reshape", "dims": [1, "x"]}]"#
        let parsed = try Array(text.utf8).withUnsafeBytes { try HeaderJSON.parse($0) }
        do {
            _ = try HeaderJSONDecoder.decode([Op].self, from: parsed)
            Issue.record("decoded a reshape with a string dimension")
        } catch let DecodingError.typeMismatch(_, context) {
            #expect(context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue } == ["1", "dims", "1"])
        }
    }
}

/// The graph description read from the header's parse is what JSONEncoder wrote, field for field.
@Suite struct GraphDescriptionReaderTests {
    static let description = GraphDescription(
        name: "g",
        values: [.init(name: "x", shape: [1, 8, 8, 3], dtype: "float32", kind: "input"),
                 .init(name: "w", shape: [3, 3, 3, 4], dtype: "bfloat16", kind: "constant")]
            + HeaderJSONDecoderTests.ops.indices.map { .init(name: "n\($0)", shape: [1, $0 + 1], dtype: "float32", kind: "intermediate") },
        nodes: HeaderJSONDecoderTests.ops.enumerated().map { .init(name: "n\($0.offset)", op: $0.element, inputs: [0, 1], output: $0.offset + 2) },
        inputs: [0],
        outputs: [GraphOutput(name: "out", value: 3), GraphOutput(name: "logits", value: 2)])

    @Test func readsWhatTheEncoderWrote() throws {
        let written = try JSONEncoder.graphJSON.encode(Self.description)
        let read = try GraphDescription(header: written.withUnsafeBytes { try HeaderJSON.parse($0) })
        #expect(try JSONEncoder.graphJSON.encode(read) == written)
        #expect(read.nodes.map(\.op) == HeaderJSONDecoderTests.ops)
    }

    @Test func errorsNameThePlace() throws {
        let cases = [
            (#"{"name": "g", "values": [], "nodes": [], "inputs": [0]}"#, "graph: no key 'outputs'"),
            (#"{"name": "g", "values": [{"name": "x", "shape": [1, "2"], "dtype": "float32", "kind": "input"}], "nodes": [], "inputs": [], "outputs": []}"#,
             "graph.values[0].shape: expected an array of integers, found an array"),
            (#"{"name": "g", "values": [], "nodes": [3], "inputs": [], "outputs": []}"#, "graph.nodes[0]: expected an object, found a number"),
            (#"{"name": "g", "values": [], "nodes": [{"name": "n", "op": {"type": "teleport"}, "inputs": [], "output": 0}], "inputs": [], "outputs": []}"#,
             "graph.nodes[0].op: "),
            (#"{"name": 7, "values": [], "nodes": [], "inputs": [], "outputs": []}"#, "graph.name: expected a string, found a number"),
        ]
        for (text, expected) in cases {
            let parsed = try Array(text.utf8).withUnsafeBytes { try HeaderJSON.parse($0) }
            do {
                _ = try GraphDescription(header: parsed)
                Issue.record("read \(text)")
            } catch {
                #expect(String(describing: error).hasPrefix(expected), "\(error)")
            }
        }
    }
}
