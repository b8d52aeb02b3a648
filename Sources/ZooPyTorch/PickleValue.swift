/// What the restricted unpickler can build: plain data, and the few torch objects a state
/// dict is made of. Lists and dicts are boxes because pickle mutates them after creation.
indirect enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    /// An integer too wide for `Int` (torch's legacy magic number), as little-endian bytes.
    case wideInt([UInt8])
    case float(Double)
    case string(String)
    case bytes([UInt8])
    case tuple([PickleValue])
    case list(PickleList)
    case dict(PickleDict)
    /// A global the allow-list admits, as "module.name".
    case global(String)
    case storage(StorageReference)
    case tensor(TensorReference)

    var kind: String {
        switch self {
        case .none: "None"
        case .bool: "bool"
        case .int, .wideInt: "int"
        case .float: "float"
        case .string: "str"
        case .bytes: "bytes"
        case .tuple: "tuple"
        case .list: "list"
        case .dict: "dict"
        case .global(let name): name
        case .storage: "storage"
        case .tensor: "tensor"
        }
    }
}

final class PickleList {
    var items: [PickleValue] = []
}

/// An insertion-ordered dict (state dicts are OrderedDicts; their order is the layer order).
final class PickleDict {
    var keys: [PickleValue] = []
    var values: [PickleValue] = []

    func set(_ key: PickleValue, _ value: PickleValue) {
        if case .string(let s) = key, let i = keys.firstIndex(where: { if case .string(s) = $0 { true } else { false } }) {
            values[i] = value
        } else {
            keys.append(key)
            values.append(value)
        }
    }

    func value(forKey name: String) -> PickleValue? {
        for (k, v) in zip(keys, values) { if case .string(name) = k { return v } }
        return nil
    }
}

/// A storage named by a persistent id: its element type, its key (a zip entry name or a
/// legacy stream key) and its element count.
struct StorageReference {
    var storageType: String
    var key: String
    var elementCount: Int
}

/// A tensor view into a storage, as `_rebuild_tensor_v2` describes it.
struct TensorReference {
    var storage: StorageReference
    var offset: Int
    var size: [Int]
    var stride: [Int]
}
