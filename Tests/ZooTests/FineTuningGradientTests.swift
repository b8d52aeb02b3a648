import Foundation
import Testing
@testable import Zoo
import ZooTestSupport

/// The head's hand-written backpropagation against finite differences, and the optimizers and
/// metrics around it (`@testable` for the optimizer's internal state).
@Suite struct FineTuningGradientTests {
    /// Central differences of the loss along every parameter, in float64.
    static func numericGradient(_ head: TrainableHead, features: [Double], labels: [Int], classWeights: [Double],
                                weightDecay: Double, dropoutSeed: UInt64?) -> [Double] {
        let h = 1e-6
        return head.parameters.indices.map { i in
            func loss(_ delta: Double) -> Double {
                var moved = head
                moved.parameters[i] += delta
                var rng = dropoutSeed.map { SplitMix64(seed: $0) }
                return moved.lossAndGradient(features: features, labels: labels, classWeights: classWeights,
                                             weightDecay: weightDecay, rng: &rng).loss
            }
            return (loss(h) - loss(-h)) / (2 * h)
        }
    }

    @Test(arguments: [(hidden: [Int](), dropout: 0.0, seed: UInt64?.none), ([5, 4], 0.0, nil), ([6], 0.3, 17)])
    func gradientMatchesFiniteDifferences(hidden: [Int], dropout: Double, seed: UInt64?) {
        var rng = SeededRandom(seed: 3)
        let (n, d, c) = (7, 6, 3)
        let features = (0..<(n * d)).map { _ in Double.random(in: -2...2, using: &rng) }
        let labels = (0..<n).map { $0 % c }
        var head = TrainableHead(layerSizes: [d] + hidden + [c], dropout: dropout, seed: 5)
        // Random biases too, so no ReLU sits exactly at its kink.
        head.parameters = head.parameters.map { $0 + Double.random(in: -0.3...0.3, using: &rng) }
        let classWeights = [1.0, 2.5, 0.5], decay = 0.01
        var dropoutRNG = seed.map { SplitMix64(seed: $0) }
        let (loss, analytic) = head.lossAndGradient(features: features, labels: labels, classWeights: classWeights,
                                                    weightDecay: decay, rng: &dropoutRNG)
        #expect(loss.isFinite && loss > 0)
        let numeric = Self.numericGradient(head, features: features, labels: labels, classWeights: classWeights,
                                           weightDecay: decay, dropoutSeed: seed)
        let scale = max(numeric.map(abs).max()!, 1e-3)
        let worst = zip(analytic, numeric).map { abs($0 - $1) }.max()!
        #expect(worst / scale < 1e-6, "hidden \(hidden), dropout \(dropout): max gradient error \(worst) (scale \(scale))")
    }

    @Test func lossIsTheWeightedMeanCrossEntropyPlusDecay() {
        var head = TrainableHead(layerSizes: [2, 2])
        head.parameters = [1, 0, 0, 1, 0, 0]  // identity kernel, zero bias: logits = features
        var noDropout: SplitMix64?
        let (loss, _) = head.lossAndGradient(features: [0, 0, 2, 0], labels: [0, 1], classWeights: [1, 3],
                                             weightDecay: 0.5, rng: &noDropout)
        let ce0 = log(2.0), ce1 = log(1 + exp(2.0))
        #expect(abs(loss - ((ce0 + 3 * ce1) / 4 + 0.25 * 2)) < 1e-12)
    }

    @Test func adamAndSGDTakeTheirTextbookSteps() {
        // Adam's first step moves each parameter by lr against the sign of its gradient.
        var adam = OptimizerState(.adam(lr: 0.1), parameterCount: 2)
        var p = [1.0, -2]
        adam.step(&p, gradient: [0.5, -4])
        #expect(abs(p[0] - 0.9) < 1e-6 && abs(p[1] + 1.9) < 1e-6)
        // SGD: v = momentum v + g; p -= lr v.
        var sgd = OptimizerState(.sgd(lr: 0.1, momentum: 0.5), parameterCount: 1)
        var q = [1.0]
        sgd.step(&q, gradient: [2])
        sgd.step(&q, gradient: [2])
        #expect(abs(q[0] - (1 - 0.1 * 2 - 0.1 * (0.5 * 2 + 2))) < 1e-12)
    }

    @Test func evaluationCountsPrecisionRecallAndConfusion() {
        let e = Evaluation(classes: ["a", "b", "c"], confusion: [[3, 1, 0], [0, 2, 0], [1, 0, 0]], loss: 0)
        #expect(e.count == 7 && e.correct == 5 && abs(e.accuracy - 5.0 / 7) < 1e-15)
        #expect(e.precision == [0.75, 2.0 / 3, 0])
        #expect(e.recall == [0.75, 1, 0])
    }
}
