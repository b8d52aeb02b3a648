import Foundation
import ZooKernels

/// Vector-Jacobian products of the elementwise activations. Every activation is a function of
/// its own input only, so the VJP is `dy * f'(x)`, where `x` is the value before the activation
/// (the gradient graph keeps it; see `Graph.unfusedForGradients()`).
enum ActivationVJP {
    /// f'(x), the one-sided derivative the frameworks use at the kinks (0 at a ReLU's 0).
    static func derivative(_ act: Activation, at x: Float) -> Float {
        switch act {
        case .none: return 1
        case .relu: return x > 0 ? 1 : 0
        case .relu6: return x > 0 && x < 6 ? 1 : 0
        case let .clip(lo, hi): return x > lo && x < hi ? 1 : 0
        case let .leakyRelu(alpha): return x < 0 ? alpha : 1
        case .sigmoid:
            let s = 1 / (1 + Foundation.exp(-Double(x)))
            return Float(s * (1 - s))
        case let .hardSigmoid(alpha, beta):
            let y = alpha * x + beta
            return y > 0 && y < 1 ? alpha : 0
        case .hardSwish:
            // x * relu6(x + 3) / 6: 0 below -3, 1 above 3, (2x + 3) / 6 between.
            if x <= -3 { return 0 }
            if x >= 3 { return 1 }
            return (2 * x + 3) / 6
        case let .kerasReLU(maxValue, slope, threshold):
            // Keras keeps x above the threshold (clipped to [0, max] when there is a max) and
            // subtracts slope * (threshold - x) below it.
            var d: Float = 0
            if x > threshold {
                if let maxValue { d = x > 0 && x < maxValue ? 1 : 0 } else { d = 1 }
            }
            if x < threshold { d += slope }
            return d
        }
    }

    /// dx = dy * f'(x), elementwise.
    static func backward(_ act: Activation, input x: [Float], outputGradient dy: [Float]) -> [Float] {
        precondition(x.count == dy.count, "activation VJP: \(x.count) inputs, \(dy.count) gradients")
        if act == .none { return dy }
        return (0..<x.count).map { dy[$0] * derivative(act, at: x[$0]) }
    }
}
