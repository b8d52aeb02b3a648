import Foundation
import Synchronization
import ZooTensor

/// Identifies one specialized graph: every input's shape (but its batch size, for a specializer
/// whose graphs keep a free batch dimension) and element type, and the bytes of the inputs whose
/// values decide the graph (with their names, since that set can grow).
struct SpecializationKey: Hashable {
    var shapes: [String: [Int]]
    var dtypes: [String: DType]
    var values: [String: Data]

    init(_ inputs: [String: Tensor], deciding: Set<String>, batchFree: Bool = false) {
        shapes = inputs.mapValues { batchFree ? Array($0.shape.dims.dropFirst()) : $0.shape.dims }
        dtypes = inputs.mapValues(\.dtype)
        values = [:]
        for name in deciding {
            guard let t = inputs[name] else { continue }
            values[name] = Data(bytes: t.rawPointer, count: t.shape.elementCount * t.dtype.byteSize)
        }
    }
}

/// The executors of specialized graphs, least recently used first. Bounded: each holds its
/// own graph (folded weights) and arenas, and a caller cycling through input shapes must not
/// grow memory without end.
struct SpecializationCache {
    /// How many specialized graphs one executor keeps.
    static let capacity = 8
    private(set) var entries: [(key: SpecializationKey, executor: Executor)] = []

    mutating func executor(for key: SpecializationKey) -> Executor? {
        guard let i = entries.firstIndex(where: { $0.key == key }) else { return nil }
        let entry = entries.remove(at: i)
        entries.append(entry)
        return entry.executor
    }

    mutating func insert(_ executor: Executor, for key: SpecializationKey) {
        entries.removeAll { $0.key == key }
        entries.append((key, executor))
        if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
    }
}

extension Executor {
    /// How many specialized graphs one executor keeps at most.
    public static var specializationCapacity: Int { SpecializationCache.capacity }

    /// Number of specialized graphs held (for tests of the bound).
    public var specializationCount: Int { specializations.withLock { $0.entries.count } }

    /// Runs inputs this graph does not fit as declared on a graph its specializer rebuilds for
    /// them. `reason` is the check they failed, kept in the error when rebuilding fails too.
    func runSpecialized(_ inputs: [String: Tensor], because reason: GraphError?) throws -> [String: Tensor] {
        guard let specializer = graph.specializer else { throw reason ?? GraphError.missingInput(name: "?") }
        let names = graph.inputs.map { graph.values[$0].name }
        for name in inputs.keys where !names.contains(name) { throw GraphError.unexpectedInput(name: name) }
        for name in names where inputs[name] == nil { throw GraphError.missingInput(name: name) }
        let batchFree = specializer.keepsBatchDimension
        let key = SpecializationKey(inputs, deciding: specializer.decidingInputs, batchFree: batchFree)
        let executor: Executor
        if let cached = specializations.withLock({ $0.executor(for: key) }) {
            executor = cached
        } else {
            let graph: Graph
            do {
                graph = try specializer.specialized(for: inputs)
            } catch let error as InputSizeError {
                throw error  // says all there is: the model, the size, the reason
            } catch {
                let shapes = names.map { "\($0) \(inputs[$0]!.shape)" }.joined(separator: ", ")
                throw GraphError.cannotSpecialize(reason: reason?.description ?? "inputs \(shapes)", detail: "\(error)")
            }
            executor = Executor(specialized: graph, of: self)
            // The deciding set may have grown while rebuilding: file it under the full key.
            let fullKey = SpecializationKey(inputs, deciding: specializer.decidingInputs, batchFree: batchFree)
            specializations.withLock { $0.insert(executor, for: fullKey) }
        }
        let remaining = Set(executor.graph.inputs.map { executor.graph.values[$0].name })
        return try executor.run(inputs.filter { remaining.contains($0.key) })
    }
}
