import ZooGraph

/// Reading a `.zoo`'s graph description from the header's own parse. The bulk (resnet50: 320
/// values, 120 node entries, each a small object) is read here directly; only each node's op goes
/// through Codable (`HeaderJSONDecoder`), where its many shapes live. Through Codable the whole
/// description was 9% of a `zoo info resnet50.zoo` process: a keyed container, a coding path and
/// the runtime's first look-ups for every small object. The keys are the types' own `CodingKeys`.
extension GraphDescription {
    init(header json: HeaderJSON) throws {
        let graph = try GraphJSONObject(json, at: .graph)
        self.init(name: try graph.string(CodingKeys.name),
                  values: try graph.objects(CodingKeys.values).map { value in
                      ValueEntry(name: try value.string(ValueEntry.CodingKeys.name), shape: try value.integers(ValueEntry.CodingKeys.shape),
                                 dtype: try value.string(ValueEntry.CodingKeys.dtype), kind: try value.string(ValueEntry.CodingKeys.kind))
                  },
                  nodes: try graph.objects(CodingKeys.nodes).map { node in
                      NodeEntry(name: try node.string(NodeEntry.CodingKeys.name), op: try node.op(NodeEntry.CodingKeys.op),
                                inputs: try node.integers(NodeEntry.CodingKeys.inputs), output: try node.integer(NodeEntry.CodingKeys.output))
                  },
                  inputs: try graph.integers(CodingKeys.inputs),
                  outputs: try graph.objects(CodingKeys.outputs).map { output in
                      GraphOutput(name: try output.string(GraphOutput.CodingKeys.name), value: try output.integer(GraphOutput.CodingKeys.value))
                  })
    }
}

/// What is wrong in a graph description, and where (`graph.nodes[3].inputs`).
struct GraphJSONError: Error, CustomStringConvertible {
    let description: String
}

/// One object of the graph description: the graph, or an item of one of its arrays.
private struct GraphJSONObject {
    let members: [(key: String, value: HeaderJSON)]
    let location: Location

    /// Where an object is, spelled out only for an error message.
    enum Location {
        case graph
        case item(of: String, index: Int)

        var path: String {
            switch self {
            case .graph: "graph"
            case let .item(array, index): "graph.\(array)[\(index)]"
            }
        }
    }

    init(_ json: HeaderJSON, at location: Location) throws(GraphJSONError) {
        guard let members = json.members else {
            throw GraphJSONError(description: "\(location.path): expected an object, found \(json.kindName)")
        }
        self.members = members
        self.location = location
    }

    private var path: String { location.path }

    private func value(_ key: some CodingKey) throws(GraphJSONError) -> HeaderJSON {
        guard let member = members.first(where: { $0.key == key.stringValue }) else {
            throw GraphJSONError(description: "\(path): no key '\(key.stringValue)'")
        }
        return member.value
    }

    private func mismatch(_ key: some CodingKey, _ expected: String, _ found: HeaderJSON) -> GraphJSONError {
        GraphJSONError(description: "\(path).\(key.stringValue): expected \(expected), found \(found.kindName)")
    }

    func string(_ key: some CodingKey) throws(GraphJSONError) -> String {
        let json = try value(key)
        guard let text = json.stringValue else { throw mismatch(key, "a string", json) }
        return text
    }

    func integer(_ key: some CodingKey) throws(GraphJSONError) -> Int {
        let json = try value(key)
        guard let n = json.integer else { throw mismatch(key, "an integer", json) }
        return n
    }

    func integers(_ key: some CodingKey) throws(GraphJSONError) -> [Int] {
        let json = try value(key)
        guard let numbers = json.integers else { throw mismatch(key, "an array of integers", json) }
        return numbers
    }

    func objects(_ key: some CodingKey) throws(GraphJSONError) -> [GraphJSONObject] {
        let json = try value(key)
        guard case .array(let items) = json else { throw mismatch(key, "an array", json) }
        var objects: [GraphJSONObject] = []
        objects.reserveCapacity(items.count)
        for (i, item) in items.enumerated() { objects.append(try GraphJSONObject(item, at: .item(of: key.stringValue, index: i))) }
        return objects
    }

    func op(_ key: some CodingKey) throws(GraphJSONError) -> Op {
        let json = try value(key)
        do { return try HeaderJSONDecoder.decode(Op.self, from: json) } catch {
            throw GraphJSONError(description: "\(path).\(key.stringValue): \(error)")
        }
    }
}
