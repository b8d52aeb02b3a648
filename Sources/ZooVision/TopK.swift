/// One line of a classification: what Keras' `decode_predictions` gives, plus the index.
public struct Prediction: Sendable, Hashable, Codable {
    /// Position in the output vector.
    public let index: Int
    /// The class id (WordNet id for ImageNet).
    public let id: String
    /// The class name.
    public let label: String
    /// The model's output at `index` (a probability when the model ends in softmax).
    public let score: Float

    /// A prediction of class `index` with its id, label and score.
    public init(index: Int, id: String, label: String, score: Float) {
        self.index = index
        self.id = id
        self.label = label
        self.score = score
    }
}

extension ClassLabels {
    /// The `k` highest scores, best first; equal scores in index order, NaN last.
    /// `scores` must have one value per class.
    public func top(_ k: Int, of scores: [Float]) -> [Prediction] {
        precondition(scores.count == count, "\(scores.count) scores for \(count) classes")
        return topIndices(k, of: scores).map {
            Prediction(index: $0, id: classes[$0].id, label: classes[$0].name, score: scores[$0])
        }
    }
}

/// Indices of the `k` highest values, best first, ties by lower index, NaN after all numbers.
public func topIndices(_ k: Int, of scores: [Float]) -> [Int] {
    precondition(k >= 0, "top-k with k = \(k)")
    func before(_ a: Int, _ b: Int) -> Bool {
        let x = scores[a], y = scores[b]
        if x.isNaN || y.isNaN { return x.isNaN == y.isNaN ? a < b : !x.isNaN }
        return x != y ? x > y : a < b
    }
    let n = min(k, scores.count)
    if n == 0 { return [] }
    // A sorted window of the best n seen so far: O(count * n), fine for k << 1000.
    var best: [Int] = []
    best.reserveCapacity(n + 1)
    for i in scores.indices {
        if best.count == n, let last = best.last, !before(i, last) { continue }
        var at = best.count
        while at > 0 && before(i, best[at - 1]) { at -= 1 }
        best.insert(i, at: at)
        if best.count > n { best.removeLast() }
    }
    return best
}
