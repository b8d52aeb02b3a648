/// Labelled features computed once by a frozen backbone: what a head trains on. Rows are
/// `dimension` floats each, row-major, in sample order.
public struct EmbeddedDataset: Sendable {
    /// The class names, in label order.
    public let classes: [String]
    /// Number of features per row.
    public let dimension: Int
    /// The features, `dimension` per row, row-major.
    public let features: [Float]
    /// Index into `classes`, one per row.
    public let labels: [Int]

    /// A dataset of `labels.count` rows; `features` must hold `dimension` floats per label.
    public init(classes: [String], dimension: Int, features: [Float], labels: [Int]) {
        precondition(dimension > 0 && features.count == labels.count * dimension,
                     "\(features.count) features for \(labels.count) rows of \(dimension)")
        precondition(labels.allSatisfy { classes.indices.contains($0) }, "a label outside 0..<\(classes.count)")
        self.classes = classes
        self.dimension = dimension
        self.features = features
        self.labels = labels
    }

    /// Number of rows.
    public var count: Int { labels.count }

    /// Rows per class, in class order.
    public var classCounts: [Int] {
        var counts = [Int](repeating: 0, count: classes.count)
        for l in labels { counts[l] += 1 }
        return counts
    }

    /// The rows at `indices`, in that order.
    public func subset(_ indices: [Int]) -> EmbeddedDataset {
        var rows: [Float] = []
        rows.reserveCapacity(indices.count * dimension)
        for i in indices { rows += features[(i * dimension)..<((i + 1) * dimension)] }
        return EmbeddedDataset(classes: classes, dimension: dimension, features: rows, labels: indices.map { labels[$0] })
    }

    /// The rows at `indices` widened to float64, for the head's arithmetic.
    func doubles(_ indices: [Int]) -> [Double] {
        let d = dimension
        return [Double](unsafeUninitializedCapacity: indices.count * d) { out, initialized in
            features.withUnsafeBufferPointer { f in
                for (row, i) in indices.enumerated() {
                    for j in 0..<d { out[row * d + j] = Double(f[i * d + j]) }
                }
            }
            initialized = indices.count * d
        }
    }

    /// Every row widened to float64.
    func doubles() -> [Double] { features.map(Double.init) }
}

/// How much each class counts in the training loss.
public enum ClassWeighting: Sendable, Hashable {
    /// Every sample counts the same.
    case uniform
    /// Inversely to the class's share of the training samples, n / (classes * n_c), as
    /// scikit-learn's `class_weight="balanced"`: a rare class counts as much as a common one.
    case balanced
    /// Given weights, one per class of the head.
    case custom([Double])

    /// One weight per class for these training counts (0 for a class with no samples).
    func weights(counts: [Int]) throws -> [Double] {
        switch self {
        case .uniform:
            return counts.map { _ in 1 }
        case .balanced:
            let present = counts.filter { $0 > 0 }.count
            let total = Double(counts.reduce(0, +))
            return counts.map { $0 == 0 ? 0 : total / (Double(present) * Double($0)) }
        case .custom(let w):
            guard w.count == counts.count, w.allSatisfy({ $0 >= 0 && $0.isFinite }), w.contains(where: { $0 > 0 }) else {
                throw FineTuningError.badArgument("class weights \(w): need \(counts.count) finite, non-negative values, not all 0")
            }
            return w
        }
    }

    var summary: String {
        switch self {
        case .uniform: "uniform"
        case .balanced: "balanced"
        case .custom(let w): "custom(\(w))"
        }
    }
}
