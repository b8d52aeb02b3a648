/// A restricted unpickler: the opcodes of pickle protocols 2-5 that `torch.save` writes, and
/// only the globals a state dict needs. Nothing is ever executed: an allowed "call" (REDUCE)
/// is interpreted by name, and any other global or call is an error naming it.
struct PickleReader {
    /// Globals a state dict may name, and what calling them means.
    static let storageTypes: Set<String> = [
        "torch.FloatStorage", "torch.HalfStorage", "torch.DoubleStorage", "torch.LongStorage",
        "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage", "torch.ByteStorage",
        "torch.BoolStorage", "torch.BFloat16Storage",
    ]
    static let callables: Set<String> = [
        "collections.OrderedDict", "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2",
        "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
    ]

    private let bytes: [UInt8]
    private(set) var position: Int
    private var stack: [PickleValue] = []
    /// How deeply each stack value nests (0 for a scalar, 1 for an empty container). Deep values
    /// are refused: releasing or walking one recurses once per level and would overflow the stack.
    private var depths: [Int] = []
    private var marks: [Int] = []
    private var memo: [Int: (value: PickleValue, depth: Int)] = [:]
    /// Deeper than any state dict (about 4) by far; shallow enough for any thread's stack.
    static let maxDepth = 100

    init(bytes: [UInt8], position: Int = 0) {
        self.bytes = bytes
        self.position = position
    }

    /// Reads one pickle (up to its STOP) and returns its value; `position` is then just past it.
    mutating func read() throws -> PickleValue {
        stack = []
        depths = []
        marks = []
        memo = [:]
        while true {
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()                                  // PROTO
            case 0x95: _ = try take(8)                                 // FRAME: a length hint
            case 0x2E:                                                 // STOP
                guard let result = stack.popLast() else { throw fail("STOP with an empty stack") }
                depths.removeLast()
                return result
            case 0x28: marks.append(stack.count)                       // MARK
            case 0x7D: try push(.dict(PickleDict()), depth: 1)    // EMPTY_DICT
            case 0x5D: try push(.list(PickleList()), depth: 1)    // EMPTY_LIST
            case 0x29: try push(.tuple([]), depth: 1)              // EMPTY_TUPLE
            case 0x74:                                                 // TUPLE
                let depth = try depthAboveMark() + 1
                try push(.tuple(try popMark()), depth: depth)
            case 0x85, 0x86, 0x87:                                     // TUPLE1, TUPLE2, TUPLE3
                let n = Int(opcode - 0x84), depth = depthOfTop(n) + 1
                try push(.tuple(try pop(n)), depth: depth)
            case 0x4E: try push(.none)                             // NONE
            case 0x88: try push(.bool(true))                       // NEWTRUE
            case 0x89: try push(.bool(false))                      // NEWFALSE
            case 0x4B: try push(.int(Int(try byte())))             // BININT1
            case 0x4D: try push(.int(Int(try littleEndian(2))))   // BININT2
            case 0x4A: try push(.int(Int(Int32(truncatingIfNeeded: try littleEndian(4)))))  // BININT
            case 0x8A: try push(try long(Int(try byte())))         // LONG1
            case 0x8B: try push(try long(try length(4)))           // LONG4
            case 0x47:                                                 // BINFLOAT (big-endian)
                let raw = try take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                try push(.float(Double(bitPattern: raw)))
            case 0x58: try push(.string(try text(try length(4))))  // BINUNICODE
            case 0x8C: try push(.string(try text(Int(try byte())))) // SHORT_BINUNICODE
            case 0x8D: try push(.string(try text(try length(8))))  // BINUNICODE8
            case 0x54: try push(.string(try text(try length(4))))  // BINSTRING (protocol 1 str)
            case 0x55: try push(.string(try text(Int(try byte())))) // SHORT_BINSTRING
            case 0x42: try push(.bytes(try take(try length(4))))   // BINBYTES
            case 0x43: try push(.bytes(try take(Int(try byte())))) // SHORT_BINBYTES
            case 0x71: memo[Int(try byte())] = try topWithDepth()      // BINPUT
            // A memo index is a key, not a length: it may exceed the bytes that remain.
            case 0x72: memo[Int(try littleEndian(4))] = try topWithDepth() // LONG_BINPUT
            case 0x94: memo[memo.count] = try topWithDepth()           // MEMOIZE
            case 0x68: try recall(Int(try byte()))                     // BINGET
            case 0x6A: try recall(Int(try littleEndian(4)))            // LONG_BINGET
            case 0x63:                                                 // GLOBAL "module\nname\n"
                let module = try line(), name = try line()
                try push(try global(module + "." + name))
            case 0x93:                                                 // STACK_GLOBAL
                let parts = try pop(2)
                guard case .string(let module) = parts[0], case .string(let name) = parts[1] else {
                    throw fail("STACK_GLOBAL needs two strings")
                }
                try push(try global(module + "." + name))
            case 0x73:                                                 // SETITEM
                let depth = depthOfTop(2)
                let kv = try pop(2)
                try dictionary(try top()).set(kv[0], kv[1])
                try deepenTop(to: depth + 1)
            case 0x75:                                                 // SETITEMS
                let depth = try depthAboveMark()
                let items = try popMark()
                guard items.count % 2 == 0 else { throw fail("SETITEMS with an odd number of items") }
                let d = try dictionary(try top())
                for i in stride(from: 0, to: items.count, by: 2) { d.set(items[i], items[i + 1]) }
                try deepenTop(to: depth + 1)
            case 0x61:                                                 // APPEND
                let depth = depthOfTop(1)
                let item = try pop(1)[0]
                try list(try top()).items.append(item)
                try deepenTop(to: depth + 1)
            case 0x65:                                                 // APPENDS
                let depth = try depthAboveMark()
                let items = try popMark()
                try list(try top()).items.append(contentsOf: items)
                try deepenTop(to: depth + 1)
            case 0x51:                                                 // BINPERSID
                try push(try persistent(try pop(1)[0]))
            case 0x52:                                                 // REDUCE: a new empty dict or a tensor
                let parts = try pop(2)
                let result = try call(parts[0], parts[1])
                if case .dict = result { try push(result, depth: 1) } else { try push(result) }
            case 0x62:                                                 // BUILD
                let state = try pop(1)[0]
                // Only a dict may take state (OrderedDict's `_metadata`), which we ignore.
                guard case .dict = try top() else { throw fail("BUILD on a \(try top().kind) (state: \(state.kind))") }
            default:
                throw fail(String(format: "opcode 0x%02X is not allowed in a state dict", opcode))
            }
        }
    }

    // MARK: Interpreting globals, calls and persistent ids

    private func global(_ name: String) throws -> PickleValue {
        guard Self.callables.contains(name) || Self.storageTypes.contains(name) else {
            throw fail("pickle names \(name), which a state dict never needs (refused, nothing was run)")
        }
        return .global(name)
    }

    private func call(_ callable: PickleValue, _ arguments: PickleValue) throws -> PickleValue {
        guard case .global(let name) = callable, Self.callables.contains(name), case .tuple(let args) = arguments else {
            throw fail("pickle calls \(callable.kind), which a state dict never needs (refused, nothing was run)")
        }
        switch name {
        case "collections.OrderedDict":
            guard args.isEmpty else { throw fail("OrderedDict called with arguments") }
            return .dict(PickleDict())
        case "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2":
            guard args.count >= 4, case .storage(let storage) = args[0], case .int(let offset) = args[1],
                  let size = ints(args[2]), let stride = ints(args[3]) else {
                throw fail("\(name) with unexpected arguments")
            }
            return .tensor(TensorReference(storage: storage, offset: offset, size: size, stride: stride))
        case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state":
            guard let data = args.first, case .tensor = data else { throw fail("\(name) without a tensor") }
            return data
        default:
            throw fail("pickle calls \(name)")
        }
    }

    private func persistent(_ id: PickleValue) throws -> PickleValue {
        // ('storage', storage_type, key, location, numel[, view_metadata])
        guard case .tuple(let t) = id, t.count >= 5, case .string("storage") = t[0], case .global(let type) = t[1],
              Self.storageTypes.contains(type), case .int(let count) = t[4], count >= 0 else {
            throw fail("persistent id is not a storage reference")
        }
        let key: String
        switch t[2] {
        case .string(let s): key = s
        case .int(let i): key = String(i)
        default: throw fail("storage key is not a string")
        }
        if t.count >= 6, case .tuple = t[5] { throw fail("storage views (legacy view_metadata) are not supported") }
        return .storage(StorageReference(storageType: type, key: key, elementCount: count))
    }

    private func ints(_ value: PickleValue) -> [Int]? {
        guard case .tuple(let items) = value else { return nil }
        var out: [Int] = []
        for item in items {
            guard case .int(let i) = item else { return nil }
            out.append(i)
        }
        return out
    }

    // MARK: Stack and byte helpers

    private func dictionary(_ v: PickleValue) throws -> PickleDict {
        guard case .dict(let d) = v else { throw fail("SETITEM on a \(v.kind)") }
        return d
    }

    private func list(_ v: PickleValue) throws -> PickleList {
        guard case .list(let l) = v else { throw fail("APPEND on a \(v.kind)") }
        return l
    }

    private func top() throws -> PickleValue {
        guard let v = stack.last else { throw fail("stack underflow") }
        return v
    }

    private func topWithDepth() throws -> (value: PickleValue, depth: Int) {
        guard let v = stack.last, let d = depths.last else { throw fail("stack underflow") }
        return (v, d)
    }

    private mutating func push(_ value: PickleValue, depth: Int = 0) throws {
        guard depth <= Self.maxDepth else { throw fail("values nest more than \(Self.maxDepth) levels deep") }
        stack.append(value)
        depths.append(depth)
    }

    /// The top container now holds a value nesting `depth` levels.
    private mutating func deepenTop(to depth: Int) throws {
        guard depth <= Self.maxDepth else { throw fail("values nest more than \(Self.maxDepth) levels deep") }
        depths[depths.count - 1] = max(depths[depths.count - 1], depth)
    }

    /// The deepest of the top `n` values (0 when there are fewer; `pop` then reports it).
    private func depthOfTop(_ n: Int) -> Int { depths.suffix(n).max() ?? 0 }

    private func depthAboveMark() throws -> Int {
        guard let mark = marks.last, mark <= depths.count else { throw fail("no MARK to pop to") }
        return depths[mark...].max() ?? 0
    }

    private mutating func pop(_ n: Int) throws -> [PickleValue] {
        guard stack.count >= n, stack.count - n >= (marks.last ?? 0) else { throw fail("stack underflow") }
        defer { stack.removeLast(n); depths.removeLast(n) }
        return Array(stack.suffix(n))
    }

    private mutating func popMark() throws -> [PickleValue] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw fail("no MARK to pop to") }
        defer { stack.removeLast(stack.count - mark); depths.removeLast(depths.count - mark) }
        return Array(stack[mark...])
    }

    /// Pushes a memoized value. Only scalars come back: a list or dict reached twice can be put
    /// inside itself (a cycle ARC never frees, and walking it never ends), and shared tuples let a
    /// small pickle describe an exponentially large tree. torch.save recalls only strings and globals.
    private mutating func recall(_ index: Int) throws {
        guard let (v, depth) = memo[index] else { throw fail("memo \(index) was never stored") }
        switch v {
        case .list, .dict, .tuple:
            throw fail("memo \(index) recalls a \(v.kind); a state dict refers to each list, dict and tuple once")
        default: try push(v, depth: depth)
        }
    }

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw fail("truncated pickle") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ n: Int) throws -> [UInt8] {
        guard n >= 0, n <= bytes.count - position else { throw fail("truncated pickle (needs \(n) more bytes)") }
        defer { position += n }
        return Array(bytes[position..<(position + n)])
    }

    private mutating func littleEndian(_ n: Int) throws -> UInt64 {
        try take(n).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// A length field, refused when it claims more than the rest of the input.
    private mutating func length(_ n: Int) throws -> Int {
        let value = try littleEndian(n)
        guard value <= UInt64(bytes.count - position) else { throw fail("a length of \(value) runs past the end") }
        return Int(value)
    }

    private mutating func long(_ n: Int) throws -> PickleValue {
        let raw = try take(n)
        guard n <= 8 else { return .wideInt(raw) }
        if n == 0 { return .int(0) }
        var value = raw.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        if n < 8, raw[n - 1] & 0x80 != 0 { value |= ~UInt64(0) << (8 * UInt64(n)) }  // sign-extend
        return .int(Int(Int64(bitPattern: value)))
    }

    private mutating func text(_ n: Int) throws -> String {
        String(decoding: try take(n), as: UTF8.self)
    }

    private mutating func line() throws -> String {
        guard let end = bytes[position...].firstIndex(of: 0x0A) else { throw fail("truncated GLOBAL") }
        defer { position = end + 1 }
        return String(decoding: bytes[position..<end], as: UTF8.self)
    }

    private func fail(_ detail: String) -> PickleError { PickleError(detail: detail, offset: position) }
}

/// A pickle the restricted reader refuses, with the byte offset where it stopped.
struct PickleError: Error {
    var detail: String
    var offset: Int
}
