import Foundation

/// Pickles (protocol 2) and `torch.save` zip checkpoints written by tests, hostile ones included:
/// calls to any global, views larger than their storage, sizes that overflow. Only the opcodes
/// a state dict uses.
public enum PickleWriter {
    public indirect enum Value {
        case int(Int)
        case string(String)
        case bool(Bool)
        case tuple([Value])
        case global(module: String, name: String)
        /// `callable(*arguments)` (REDUCE).
        case call(Value, [Value])
        /// A dict with string keys, in order.
        case dict([(String, Value)])
        /// The persistent id torch writes for a float storage: ('storage', FloatStorage, key, 'cpu', count).
        case floatStorage(key: String, count: Int)
    }

    public static func pickle(_ value: Value) -> [UInt8] {
        var out: [UInt8] = [0x80, 2]                           // PROTO 2
        write(value, to: &out)
        out.append(0x2E)                                       // STOP
        return out
    }

    /// A float tensor as torch pickles it: `_rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())`.
    public static func tensor(storageKey: String, storageCount: Int, size: [Int], stride: [Int], offset: Int = 0) -> Value {
        .call(.global(module: "torch._utils", name: "_rebuild_tensor_v2"), [
            .floatStorage(key: storageKey, count: storageCount), .int(offset),
            .tuple(size.map(Value.int)), .tuple(stride.map(Value.int)), .bool(false),
            .call(.global(module: "collections", name: "OrderedDict"), []),
        ])
    }

    /// A zip checkpoint: `archive/data.pkl` holding `root`, and `archive/data/<key>` for each storage.
    public static func zipCheckpoint(_ root: Value, storages: [String: [Float]]) -> Data {
        var zip = StoredZip()
        zip.add("archive/data.pkl", Data(pickle(root)))
        for (key, values) in storages.sorted(by: { $0.key < $1.key }) {
            zip.add("archive/data/\(key)", values.withUnsafeBytes { Data($0) })
        }
        return zip.archive()
    }

    private static func write(_ value: Value, to out: inout [UInt8]) {
        switch value {
        case .int(let i):
            out += [0x8A, 8]                                   // LONG1, 8 bytes two's complement
            out += (0..<8).map { UInt8(truncatingIfNeeded: i >> (8 * $0)) }
        case .string(let s):
            let utf8 = Array(s.utf8)
            out.append(0x58)                                   // BINUNICODE
            out += (0..<4).map { UInt8(truncatingIfNeeded: utf8.count >> (8 * $0)) }
            out += utf8
        case .bool(let b):
            out.append(b ? 0x88 : 0x89)                        // NEWTRUE / NEWFALSE
        case .tuple(let items):
            out.append(0x28)                                   // MARK
            for item in items { write(item, to: &out) }
            out.append(0x74)                                   // TUPLE
        case let .global(module, name):
            out.append(0x63)                                   // GLOBAL
            out += Array("\(module)\n\(name)\n".utf8)
        case let .call(callable, arguments):
            write(callable, to: &out)
            write(.tuple(arguments), to: &out)
            out.append(0x52)                                   // REDUCE
        case .dict(let items):
            out.append(0x7D)                                   // EMPTY_DICT
            out.append(0x28)                                   // MARK
            for (key, item) in items {
                write(.string(key), to: &out)
                write(item, to: &out)
            }
            out.append(0x75)                                   // SETITEMS
        case let .floatStorage(key, count):
            write(.tuple([.string("storage"), .global(module: "torch", name: "FloatStorage"), .string(key), .string("cpu"), .int(count)]), to: &out)
            out.append(0x51)                                   // BINPERSID
        }
    }
}
