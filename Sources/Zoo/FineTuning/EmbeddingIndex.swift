import Foundation
import ZooTensor
import ZooVision

/// Labelled embeddings for classification without training (few-shot): add a handful of
/// examples per class, then ask for the nearest examples or the nearest class centroid by
/// cosine similarity. Feed it `Model.embed` rows, or `zoo embed --index` output.
public struct EmbeddingIndex: Sendable {
    /// One labelled example. `vector` is kept as given; similarities normalise it.
    public struct Entry: Sendable, Hashable {
        /// The entry's identifier (by default its position when added).
        public let id: String
        /// The entry's class label.
        public let label: String
        /// The embedding as added.
        public let vector: [Float]
    }

    /// An example close to a query.
    public struct Neighbour: Sendable, Hashable {
        /// The neighbour's identifier.
        public let id: String
        /// The neighbour's class label.
        public let label: String
        /// Cosine similarity to the query, in [-1, 1].
        public let similarity: Float
    }

    /// The labelled embeddings, in the order they were added.
    public private(set) var entries: [Entry] = []
    /// Values per vector: fixed by the first one added.
    public private(set) var dimension: Int?
    /// The model the embeddings come from (a note for people; vectors of different models do
    /// not compare).
    public var model: String?

    /// An empty index, noting which model's embeddings it will hold.
    public init(model: String? = nil) { self.model = model }

    /// An index of the rows of `embeddings` (`[N, D]`, as `Model.embed` and `zoo embed` give),
    /// labelled by `labels` and named by `ids` (default `label/n`).
    public init(embeddings: Tensor, labels: [String], ids: [String]? = nil, model: String? = nil) throws {
        self.init(model: model)
        guard embeddings.shape.rank == 2, embeddings.shape[0] == labels.count, ids == nil || ids!.count == labels.count else {
            throw FineTuningError.badArgument("\(labels.count) labels\(ids.map { ", \($0.count) ids" } ?? "") for embeddings of shape \(embeddings.shape) (expected [N, D])")
        }
        let d = embeddings.shape[1]
        let values = embeddings.floats
        for (row, label) in labels.enumerated() {
            try add(Array(values[(row * d)..<((row + 1) * d)]), label: label, id: ids?[row])
        }
    }

    /// Number of entries.
    public var count: Int { entries.count }
    /// The distinct labels, sorted.
    public var labels: [String] { Array(Set(entries.map(\.label))).sorted() }

    /// Adds an example. Its id (default `label/n`, the first free n) must be new, and the
    /// vector must have the index's dimension, finite values and a non-zero norm.
    public mutating func add(_ vector: [Float], label: String, id: String? = nil) throws {
        let name = id ?? freeID(for: label)
        func bad(_ detail: String) -> FineTuningError { .badArgument("embedding '\(name)': \(detail)") }
        guard !vector.isEmpty else { throw bad("no values") }
        if let dimension, vector.count != dimension { throw bad("\(vector.count) values, the index holds \(dimension)") }
        guard vector.allSatisfy(\.isFinite) else { throw bad("values that are not finite") }
        guard norm(vector) > 0 else { throw bad("all zeros (no direction to compare)") }
        guard !entries.contains(where: { $0.id == name }) else { throw bad("the id is already in the index") }
        dimension = vector.count
        entries.append(Entry(id: name, label: label, vector: vector))
    }

    /// Removes the example with this id; false if there was none.
    @discardableResult
    public mutating func remove(id: String) -> Bool {
        guard let i = entries.firstIndex(where: { $0.id == id }) else { return false }
        entries.remove(at: i)
        return true
    }

    /// Removes every example of a class; returns how many.
    @discardableResult
    public mutating func remove(label: String) -> Int {
        let before = entries.count
        entries.removeAll { $0.label == label }
        return before - entries.count
    }

    /// The `k` examples most similar to `query`, best first (ties in insertion order).
    public func nearest(_ query: [Float], k: Int) throws -> [Neighbour] {
        let q = try checkedQuery(query)
        let scores = entries.map { cosine(q, $0.vector) }
        return topIndices(k, of: scores).map { Neighbour(id: entries[$0].id, label: entries[$0].label, similarity: scores[$0]) }
    }

    /// Each class's centroid: the mean of its examples' unit vectors (so every example counts
    /// the same, whatever its norm), in label order.
    public func centroids() -> [(label: String, vector: [Float])] {
        labels.map { label in
            var sum = [Double](repeating: 0, count: dimension ?? 0)
            var n = 0
            for e in entries where e.label == label {
                let scale = 1 / norm(e.vector)
                for i in sum.indices { sum[i] += Double(e.vector[i]) * scale }
                n += 1
            }
            return (label, sum.map { Float($0 / Double(n)) })
        }
    }

    /// Nearest-centroid classification: every class with its cosine similarity to `query`,
    /// best first, as `Prediction`s (index: position in `labels`; id and label: the class).
    public func classify(_ query: [Float], top k: Int = 5) throws -> [Prediction] {
        try classify([query], top: k)[0]
    }

    /// `classify` for many queries, the centroids computed once.
    public func classify(_ queries: [[Float]], top k: Int = 5) throws -> [[Prediction]] {
        let centroids = centroids()
        let classLabels = ClassLabels(names: centroids.map(\.label))
        return try queries.map { query in
            let q = try checkedQuery(query)
            return classLabels.top(k, of: centroids.map { cosine(q, $0.vector) })
        }
    }

    private func checkedQuery(_ query: [Float]) throws -> [Float] {
        guard let dimension, !entries.isEmpty else { throw FineTuningError.badArgument("the embedding index is empty") }
        guard query.count == dimension else {
            throw FineTuningError.badArgument("query has \(query.count) values, the index holds \(dimension)")
        }
        return query
    }

    private func freeID(for label: String) -> String {
        let taken = Set(entries.map(\.id))
        var n = entries.filter { $0.label == label }.count + 1
        while taken.contains("\(label)/\(n)") { n += 1 }
        return "\(label)/\(n)"
    }
}

/// Euclidean norm, accumulated in double precision.
func norm(_ v: [Float]) -> Double {
    v.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
}

/// Cosine similarity (0 when either vector is zero).
func cosine(_ a: [Float], _ b: [Float]) -> Float {
    var dot = 0.0
    for i in a.indices { dot += Double(a[i]) * Double(b[i]) }
    let n = norm(a) * norm(b)
    return n == 0 ? 0 : Float(dot / n)
}
