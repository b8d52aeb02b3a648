/// A JSON value read by `HeaderJSON.parse`: what a safetensors header holds.
///
/// Why not JSONSerialization: a `.zoo` header carries the whole graph as one escaped JSON
/// string (tens of kB for a ResNet), and Foundation's parsers took about 2 ms of every load to
/// unescape it (24 MB/s); this single pass over the bytes does it in a few microseconds.
/// Not `indirect`: objects and arrays already hold their values in arrays, and boxing every
/// value besides cost an allocation each (thousands in a ResNet's header).
enum HeaderJSON {
    /// Members in file order; keys are unique (a repeated key is refused).
    case object([(key: String, value: HeaderJSON)])
    case array([HeaderJSON])
    case string(String)
    /// A number written without fraction or exponent that fits an `Int` (except `-0`).
    case integer(Int)
    /// Any other number, as written (finite as a Double): a Float is read from the text itself.
    case number(String)
    case bool(Bool)
    case null

    /// Nesting deeper than this is refused (a safetensors header nests three levels).
    static let maxDepth = 64

    /// Parses `bytes` as one JSON value (RFC 8259, UTF-8) followed by nothing but whitespace;
    /// throws a `HeaderJSONError` saying what is wrong and at which byte.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(HeaderJSONError) -> HeaderJSON {
        var reader = Reader(bytes: bytes)
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.position == bytes.count else { throw reader.error("text after the JSON value") }
        return value
    }

    /// Parses the UTF-8 of `text` (a JSON document stored in a metadata string), as `parse(_:)`.
    static func parse(_ text: String) throws -> HeaderJSON {
        var text = text
        return try text.withUTF8 { try parse(UnsafeRawBufferPointer($0)) }
    }

    /// The members of an object, else nil.
    var members: [(key: String, value: HeaderJSON)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The value of member `key` of an object, else nil.
    subscript(key: String) -> HeaderJSON? { members?.first { $0.key == key }?.value }

    /// What kind of value it is, for error messages.
    var kindName: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .integer, .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// An integer, else nil (a fraction, a string or a number written with an exponent is not).
    var integer: Int? {
        if case .integer(let n) = self { return n }
        return nil
    }

    /// An array of integers, else nil.
    var integers: [Int]? {
        guard case .array(let items) = self else { return nil }
        var result: [Int] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let n = item.integer else { return nil }
            result.append(n)
        }
        return result
    }
}

/// Why header bytes are not JSON, and where.
struct HeaderJSONError: Error, CustomStringConvertible {
    var detail: String
    var offset: Int
    var description: String { "\(detail) at byte \(offset)" }
}

private struct Reader {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    func error(_ detail: String) -> HeaderJSONError { HeaderJSONError(detail: detail, offset: position) }

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { position += 1 }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(HeaderJSONError) {
        skipWhitespace()
        guard current == byte else { throw error("expected \(what)") }
        position += 1
    }

    mutating func value(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
        guard depth < HeaderJSON.maxDepth else { throw error("nested deeper than \(HeaderJSON.maxDepth) levels") }
        skipWhitespace()
        switch current {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case let byte? where byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte):
            return try number()
        case nil: throw error("unexpected end")
        default: throw error("unexpected character")
        }
    }

    mutating func object(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
        position += 1  // {
        var members: [(key: String, value: HeaderJSON)] = []
        var keys = Set<String>()  // filled once an object is too large for a linear check
        skipWhitespace()
        if current == UInt8(ascii: "}") { position += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let keyStart = position
            let key = try string()
            let repeated: Bool
            if members.count < 16 {
                repeated = members.contains { $0.key == key }
            } else {
                if keys.isEmpty { keys = Set(members.map(\.key)) }
                repeated = !keys.insert(key).inserted
            }
            guard !repeated else {
                throw HeaderJSONError(detail: "key '\(key)' appears twice", offset: keyStart)
            }
            try expect(UInt8(ascii: ":"), "':'")
            members.append((key, try value(depth: depth + 1)))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"): position += 1; return .object(members)
            default: throw error("expected ',' or '}'")
            }
        }
    }

    mutating func array(depth: Int) throws(HeaderJSONError) -> HeaderJSON {
        position += 1  // [
        var items: [HeaderJSON] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") { position += 1; return .array(items) }
        while true {
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"): position += 1; return .array(items)
            default: throw error("expected ',' or ']'")
            }
        }
    }

    mutating func literal(_ word: String) throws(HeaderJSONError) {
        let end = position + word.utf8.count
        guard end <= bytes.count, bytes[position..<end].elementsEqual(word.utf8) else { throw error("unexpected word") }
        position = end
    }

    /// A string from its opening quote: runs without escapes are copied whole, and the result
    /// must be valid UTF-8.
    mutating func string() throws(HeaderJSONError) -> String {
        let start = position
        position += 1  // "
        var decoded: [UInt8] = []
        var runStart = position
        while true {
            guard let byte = current else { throw HeaderJSONError(detail: "unterminated string", offset: start) }
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw error("control character in a string") }
            if byte != UInt8(ascii: "\\") { position += 1; continue }
            decoded.append(contentsOf: bytes[runStart..<position])
            position += 1
            guard let escape = current else { throw HeaderJSONError(detail: "unterminated string", offset: start) }
            position += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escape)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"): appendUTF8(try unicodeEscape(), to: &decoded)
            default: throw error("bad escape in a string")
            }
            runStart = position
        }
        let run = UnsafeRawBufferPointer(rebasing: bytes[runStart..<position])
        position += 1  // "
        let text: String?
        if decoded.isEmpty {
            text = String(validating: run, as: UTF8.self)
        } else {
            decoded.append(contentsOf: run)
            text = String(validating: decoded, as: UTF8.self)
        }
        guard let text else { throw HeaderJSONError(detail: "string is not UTF-8", offset: start) }
        return text
    }

    /// The scalar of a `\uXXXX` escape (the `\u` read), joining a surrogate pair.
    mutating func unicodeEscape() throws(HeaderJSONError) -> Unicode.Scalar {
        let first = try hex4()
        if (0xD800..<0xDC00).contains(first) {
            guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") else {
                throw error("lone surrogate in a \\u escape")
            }
            position += 2
            let second = try hex4()
            guard (0xDC00..<0xE000).contains(second) else { throw error("lone surrogate in a \\u escape") }
            return Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))!
        }
        guard let scalar = Unicode.Scalar(first) else { throw error("lone surrogate in a \\u escape") }
        return scalar
    }

    mutating func hex4() throws(HeaderJSONError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("bad hex digit in a \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    func appendUTF8(_ scalar: Unicode.Scalar, to buffer: inout [UInt8]) {
        UTF8.encode(scalar) { buffer.append($0) }
    }

    /// A number as the JSON grammar spells it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    mutating func number() throws(HeaderJSONError) -> HeaderJSON {
        let start = position
        func isDigit(_ byte: UInt8?) -> Bool { byte.map { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? false }
        if current == UInt8(ascii: "-") { position += 1 }
        guard isDigit(current) else { throw error("bad number") }
        if current == UInt8(ascii: "0") { position += 1 } else { while isDigit(current) { position += 1 } }
        var integral = true
        if current == UInt8(ascii: ".") {
            integral = false
            position += 1
            guard isDigit(current) else { throw error("bad number") }
            while isDigit(current) { position += 1 }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            integral = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard isDigit(current) else { throw error("bad number") }
            while isDigit(current) { position += 1 }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        // "-0" stays a number: as an integer it would lose the sign of a float's negative zero.
        if integral, text != "-0", let n = Int(text) { return .integer(n) }
        guard let x = Double(text), x.isFinite else { throw HeaderJSONError(detail: "bad number", offset: start) }
        return .number(text)
    }
}
