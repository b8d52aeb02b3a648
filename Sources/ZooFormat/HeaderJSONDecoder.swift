/// Codable's `Decoder` over a `HeaderJSON` value, so each node's op (Codable, shared with the
/// writer's JSONEncoder) is read from the header's own parse instead of through JSONDecoder, which
/// took about a fifth of `zoo info resnet50.zoo` (the rest of the graph description is read
/// directly: GraphDescription+HeaderJSON.swift). Floats may be spelled `"inf"`, `"-inf"` and
/// `"nan"`, as `JSONEncoder.graphJSON` writes them.
struct HeaderJSONDecoder: Decoder {
    let value: HeaderJSON
    let path: CodingPath?
    var codingPath: [any CodingKey] { path?.keys ?? [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: HeaderJSON, path: CodingPath? = nil) {
        self.value = value
        self.path = path
    }

    /// Where a value sits: a chain to its parent, made into Codable's array of keys only when
    /// an error asks for it (an array per value, copied and extended at every level, was a sixth
    /// of reading resnet50's graph).
    final class CodingPath {
        let key: any CodingKey
        let parent: CodingPath?
        init(_ key: any CodingKey, parent: CodingPath?) {
            self.key = key
            self.parent = parent
        }
        var keys: [any CodingKey] { (parent?.keys ?? []) + [key] }
    }

    /// Decodes a `T` from `value`.
    static func decode<T: Decodable>(_ type: T.Type, from value: HeaderJSON) throws -> T {
        try T(from: HeaderJSONDecoder(value))
    }

    func mismatch(_ expected: String) -> DecodingError {
        .typeMismatch(Any.self, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value.kindName)"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let members = value.members else { throw mismatch("an object") }
        return KeyedDecodingContainer(Keyed<Key>(members: members, path: path))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else { throw mismatch("an array") }
        return Unkeyed(items: items, path: path)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    private struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [(key: String, value: HeaderJSON)]
        let path: CodingPath?
        var codingPath: [any CodingKey] { path?.keys ?? [] }
        var allKeys: [Key] { members.compactMap { Key(stringValue: $0.key) } }

        func contains(_ key: Key) -> Bool { members.contains { $0.key == key.stringValue } }

        func decoder(for key: Key) throws -> HeaderJSONDecoder {
            guard let member = members.first(where: { $0.key == key.stringValue }) else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no key '\(key.stringValue)'"))
            }
            return HeaderJSONDecoder(member.value, path: CodingPath(key, parent: path))
        }

        func decodeNil(forKey key: Key) throws -> Bool { try decoder(for: key).decodeNil() }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try T(from: decoder(for: key)) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder(for: key).decode(type) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder(for: key).decode(type) }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder(for: key).decode(type) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try decoder(for: key).decode(type) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder(for: key).decode(type) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try decoder(for: key).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { try decoder(for: key).unkeyedContainer() }
        func superDecoder() throws -> any Decoder { throw mismatch("no superclass") }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw mismatch("no superclass") }

        private func mismatch(_ detail: String) -> DecodingError {
            .dataCorrupted(.init(codingPath: codingPath, debugDescription: detail))
        }
    }

    private struct Unkeyed: UnkeyedDecodingContainer {
        let items: [HeaderJSON]
        let path: CodingPath?
        var codingPath: [any CodingKey] { path?.keys ?? [] }
        var currentIndex = 0
        var count: Int? { items.count }
        var isAtEnd: Bool { currentIndex >= items.count }

        init(items: [HeaderJSON], path: CodingPath?) {
            self.items = items
            self.path = path
        }

        mutating func next() throws -> HeaderJSONDecoder {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "the array has no more items"))
            }
            defer { currentIndex += 1 }
            return HeaderJSONDecoder(items[currentIndex], path: CodingPath(Index(intValue: currentIndex), parent: path))
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, case .null = items[currentIndex] else { return false }
            currentIndex += 1
            return true
        }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: next()) }
        mutating func decode(_ type: Int.Type) throws -> Int { try next().decode(type) }
        mutating func decode(_ type: String.Type) throws -> String { try next().decode(type) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
        mutating func superDecoder() throws -> any Decoder { try next() }
    }

    private struct Index: CodingKey {
        let intValue: Int?
        var stringValue: String { "\(intValue ?? 0)" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { return nil }
    }
}

extension HeaderJSONDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool {
        if case .null = value { return true }
        return false
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let b) = value else { throw mismatch("a boolean") }
        return b
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let s) = value else { throw mismatch("a string") }
        return s
    }

    func decode(_ type: Double.Type) throws -> Double {
        switch value {
        case .integer(let n): return Double(n)
        case .number(let text): return Double(text)!  // checked finite by the parse
        case .string("inf"): return .infinity
        case .string("-inf"): return -.infinity
        case .string("nan"): return .nan
        default: throw mismatch("a number")
        }
    }

    func decode(_ type: Float.Type) throws -> Float {
        switch value {
        case .integer(let n): return Float(n)
        // From the text, not through Double: rounding twice could miss the float JSONEncoder wrote.
        case .number(let text):
            guard let x = Float(text), x.isFinite else { throw mismatch("a number within float range") }
            return x
        default: return Float(try decode(Double.self))
        }
    }

    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard case .integer(let n) = value, let exact = T(exactly: n) else { throw mismatch("an integer that fits \(T.self)") }
        return exact
    }

    func decode(_ type: Int.Type) throws -> Int { try decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeInteger(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try T(from: self) }
}
