import Foundation
import Testing
@testable import Zoo

/// The default training of a linear head reaches the optimum of its regularised loss
/// (scikit-learn's LogisticRegression(C=1) on standardised features), checked with a loss,
/// a gradient and a reference solution computed here, apart from the training code.
@Suite struct FineTuningOptimumTests {
    static let classes = ["a", "b", "c", "d"]

    /// Overlapping classes (no separating line, so the optimum is finite) in features of very
    /// different scales and offsets, from a fixed generator.
    static func dataset(width d: Int, rows n: Int) -> EmbeddedDataset {
        var rng = SplitMix64(seed: 42)
        var features: [Float] = [], labels: [Int] = []
        for r in 0..<n {
            let label = r % classes.count
            for j in 0..<d {
                let centre = Double((label * 7 + j * 3) % 5) - 2
                let noise = (rng.unit() + rng.unit() + rng.unit() - 1.5) * 2
                features.append(Float((centre * 0.6 + noise) * pow(10, Double(j % 4) - 1) + Double(j) * 3))
            }
            labels.append(label)
        }
        return EmbeddedDataset(classes: classes, dimension: d, features: features, labels: labels)
    }

    /// The objective sklearn minimises, divided by C n: mean cross-entropy on standardised
    /// features plus |W|^2 / (2 n). `w` is `[d, c]` row-major, then `b` `[c]`.
    static func objective(_ p: [Double], x: [[Double]], y: [Int], c: Int) -> (Double, [Double]) {
        let n = x.count, d = x[0].count
        var loss = 0.0
        var gradient = [Double](repeating: 0, count: p.count)
        for (row, label) in zip(x, y) {
            var z = (0..<c).map { j in p[d * c + j] + (0..<d).reduce(0.0) { $0 + row[$1] * p[$1 * c + j] } }
            let top = z.max()!
            z = z.map { exp($0 - top) }
            let sum = z.reduce(0, +)
            loss += (log(sum) - log(z[label])) / Double(n)
            for j in 0..<c {
                let delta = (z[j] / sum - (j == label ? 1 : 0)) / Double(n)
                for i in 0..<d { gradient[i * c + j] += delta * row[i] }
                gradient[d * c + j] += delta
            }
        }
        for k in 0..<(d * c) {
            loss += p[k] * p[k] / (2 * Double(n))
            gradient[k] += p[k] / Double(n)
        }
        return (loss, gradient)
    }

    /// Standardised rows, by the textbook formula (population standard deviation).
    static func standardised(_ data: EmbeddedDataset) -> (rows: [[Double]], mean: [Double], std: [Double]) {
        let d = data.dimension, n = data.count
        let raw = (0..<n).map { r in (0..<d).map { Double(data.features[r * d + $0]) } }
        let mean = (0..<d).map { j in raw.reduce(0) { $0 + $1[j] } / Double(n) }
        let std = (0..<d).map { j in (raw.reduce(0) { $0 + pow($1[j] - mean[j], 2) } / Double(n)).squareRoot() }
        return (raw.map { row in (0..<d).map { (row[$0] - mean[$0]) / std[$0] } }, mean, std)
    }

    /// The trained head's parameters in standardised space (undoing the fold into raw space).
    static func standardisedParameters(_ head: TrainableHead, mean: [Double], std: [Double]) -> [Double] {
        let d = head.inputWidth, c = head.classCount
        var p = head.parameters
        for i in 0..<d { for j in 0..<c { p[i * c + j] *= std[i] } }
        for j in 0..<c { for i in 0..<d { p[d * c + j] += mean[i] * p[i * c + j] / std[i] } }
        return p
    }

    /// Many steps of plain gradient descent: slow, but simple enough to trust.
    static func reference(x: [[Double]], y: [Int], c: Int) -> Double {
        var p = [Double](repeating: 0, count: (x[0].count + 1) * c)
        var loss = 0.0
        for _ in 0..<4000 {
            let (f, g) = objective(p, x: x, y: y, c: c)
            loss = f
            for k in p.indices { p[k] -= 0.5 * g[k] }
        }
        return loss
    }

    func train(_ data: EmbeddedDataset, optimizer: Optimizer = .lbfgs()) throws -> FineTunedModel {
        var tuned = try FineTuningFixtures.edgeBackbone().replacingHead(classes: Self.classes)
        #expect(tuned.head.inputWidth == data.dimension)
        try tuned.fit(data, validation: nil, optimizer: optimizer)
        return tuned
    }

    @Test func defaultTrainingReachesTheOptimum() throws {
        let width = try FineTuningFixtures.edgeBackbone().replacingHead(classes: Self.classes).head.inputWidth
        let data = Self.dataset(width: width, rows: 120)
        let (x, mean, std) = Self.standardised(data)
        let optimum = Self.reference(x: x, y: data.labels, c: Self.classes.count)

        let tuned = try train(data)
        let p = Self.standardisedParameters(tuned.head, mean: mean, std: std)
        let (loss, gradient) = Self.objective(p, x: x, y: data.labels, c: Self.classes.count)
        #expect(abs(loss - optimum) <= 1e-4, "loss \(loss), optimum \(optimum)")
        #expect(loss <= optimum + 1e-9, "gradient descent found a lower loss: \(optimum) < \(loss)")
        #expect(gradient.map(abs).max()! <= 1e-5)
        #expect(tuned.lastTraining?.solver?.converged == true)

        // Cut short, the same checks fail: they measure the optimum, not just any training.
        let short = try train(data, optimizer: .lbfgs(maxIterations: 3))
        let (shortLoss, shortGradient) = Self.objective(Self.standardisedParameters(short.head, mean: mean, std: std),
                                                        x: x, y: data.labels, c: Self.classes.count)
        #expect(shortLoss - optimum > 1e-4 && shortGradient.map(abs).max()! > 1e-5)
        #expect(short.lastTraining?.solver?.converged == false)
    }

    /// The saved head reads raw embeddings: its logits equal the standardised model's.
    @Test func scalingIsFoldedIntoTheHead() throws {
        let width = try FineTuningFixtures.edgeBackbone().replacingHead(classes: Self.classes).head.inputWidth
        let data = Self.dataset(width: width, rows: 40)
        let (x, mean, std) = Self.standardised(data)
        let tuned = try train(data)
        let p = Self.standardisedParameters(tuned.head, mean: mean, std: std)
        let c = Self.classes.count, d = width
        let raw = tuned.head.logits(data.doubles(), count: data.count)
        for r in 0..<data.count {
            for j in 0..<c {
                let z = p[d * c + j] + (0..<d).reduce(0.0) { $0 + x[r][$1] * p[$1 * c + j] }
                #expect(abs(z - raw[r * c + j]) <= 1e-6 * max(1, abs(z)))
            }
        }
    }
}
