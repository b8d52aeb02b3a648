import Foundation

/// How the head's parameters follow their gradient (mini-batch Adam or SGD, or full-batch L-BFGS). Weight decay is not part of the optimizer:
/// it is an L2 term in the loss (see `TrainableHead.lossAndGradient`), the same for both.
public enum Optimizer: Sendable, Hashable {
    /// Full-batch L-BFGS to the optimum of the (regularised) loss: the default for a head on
    /// cached embeddings. Stops when every gradient component is below `tolerance`.
    case lbfgs(maxIterations: Int = 1000, tolerance: Double = 1e-6)
    /// Adam (Kingma & Ba) with bias correction, PyTorch's defaults.
    case adam(lr: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8)
    /// Stochastic gradient descent with PyTorch's momentum rule: v = momentum v + g; p -= lr v.
    case sgd(lr: Double = 1e-2, momentum: Double = 0.9)

    /// The step size (Adam and SGD); 0 for L-BFGS, which finds its own by line search.
    public var learningRate: Double {
        switch self {
        case .adam(let lr, _, _, _), .sgd(let lr, _): lr
        case .lbfgs: 1
        }
    }

    /// A short description for reports and provenance: `adam(lr: 0.001)`.
    public var summary: String {
        switch self {
        case .adam(let lr, _, _, _): "adam(lr: \(lr))"
        case let .sgd(lr, momentum): "sgd(lr: \(lr), momentum: \(momentum))"
        case let .lbfgs(iterations, tolerance): "lbfgs(maxIterations: \(iterations), tolerance: \(tolerance))"
        }
    }

    func validate() throws {
        let ok: Bool
        switch self {
        case let .adam(lr, b1, b2, eps): ok = lr > 0 && (0..<1).contains(b1) && (0..<1).contains(b2) && eps > 0
        case let .sgd(lr, momentum): ok = lr > 0 && (0..<1).contains(momentum)
        case let .lbfgs(iterations, tolerance): ok = iterations >= 1 && tolerance > 0 && tolerance.isFinite
        }
        guard ok, learningRate.isFinite else { throw FineTuningError.badArgument("optimizer \(summary): out of range") }
    }
}

/// An optimizer's running state over one flat parameter vector.
struct OptimizerState {
    let optimizer: Optimizer
    private var first: [Double]
    private var second: [Double]
    private var steps = 0

    init(_ optimizer: Optimizer, parameterCount: Int) {
        self.optimizer = optimizer
        first = [Double](repeating: 0, count: parameterCount)
        second = [Double](repeating: 0, count: parameterCount)
    }

    /// One update of `parameters` along `gradient`.
    mutating func step(_ parameters: inout [Double], gradient: [Double]) {
        precondition(parameters.count == gradient.count && gradient.count == first.count, "optimizer state size")
        steps += 1
        switch optimizer {
        case let .adam(lr, b1, b2, eps):
            let c1 = 1 - pow(b1, Double(steps)), c2 = 1 - pow(b2, Double(steps))
            for i in parameters.indices {
                let g = gradient[i]
                first[i] = b1 * first[i] + (1 - b1) * g
                second[i] = b2 * second[i] + (1 - b2) * g * g
                parameters[i] -= lr * (first[i] / c1) / ((second[i] / c2).squareRoot() + eps)
            }
        case let .sgd(lr, momentum):
            for i in parameters.indices {
                first[i] = momentum * first[i] + gradient[i]
                parameters[i] -= lr * first[i]
            }
        case .lbfgs:
            preconditionFailure("L-BFGS runs full-batch (LBFGS.minimize), not step by step")
        }
    }
}
