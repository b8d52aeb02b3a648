import ZooONNX

/// Typed attribute access. A wrong attribute kind is a malformed file; an attribute the
/// importer does not know is rejected by `checkAttributes`, so no attribute is silently ignored.
extension ONNXNodeContext {
    /// Throws for any attribute not in `known` (the ones this op version defines and the
    /// importer handles).
    func checkAttributes(_ known: Set<String>) throws {
        for a in node.attributes where !known.contains(a.name) {
            throw unsupported("attribute '\(a.name)'")
        }
    }

    func int(_ name: String) throws -> Int? {
        guard let a = node.attribute(name) else { return nil }
        guard case .int(let v) = a.value else { throw kindError(a, expected: "int") }
        guard let i = Int(exactly: v) else { throw malformed("attribute '\(name)' = \(v) is out of range") }
        return i
    }

    func int(_ name: String, default value: Int) throws -> Int { try int(name) ?? value }

    func float(_ name: String) throws -> Float? {
        guard let a = node.attribute(name) else { return nil }
        guard case .float(let v) = a.value else { throw kindError(a, expected: "float") }
        return v
    }

    func float(_ name: String, default value: Float) throws -> Float { try float(name) ?? value }

    func ints(_ name: String) throws -> [Int]? {
        guard let a = node.attribute(name) else { return nil }
        guard case .ints(let v) = a.value else { throw kindError(a, expected: "ints") }
        return try v.map {
            guard let i = Int(exactly: $0) else { throw malformed("attribute '\(name)' holds \($0), out of range") }
            return i
        }
    }

    func floats(_ name: String) throws -> [Float]? {
        guard let a = node.attribute(name) else { return nil }
        guard case .floats(let v) = a.value else { throw kindError(a, expected: "floats") }
        return v
    }

    func string(_ name: String) throws -> String? {
        guard let a = node.attribute(name) else { return nil }
        guard case .string(let v) = a.value else { throw kindError(a, expected: "string") }
        return v
    }

    func tensor(_ name: String) throws -> ONNXTensorProto? {
        guard let a = node.attribute(name) else { return nil }
        guard case .tensor(let v) = a.value else { throw kindError(a, expected: "tensor") }
        return v
    }

    /// A boolean stored as an int attribute (0 or 1).
    func flag(_ name: String, default value: Bool) throws -> Bool {
        guard let i = try int(name) else { return value }
        guard i == 0 || i == 1 else { throw malformed("attribute '\(name)' must be 0 or 1, found \(i)") }
        return i == 1
    }

    private func kindError(_ a: ONNXAttribute, expected: String) -> ImportError {
        malformed("attribute '\(a.name)' must be \(expected), found \(a.kindName)")
    }
}
