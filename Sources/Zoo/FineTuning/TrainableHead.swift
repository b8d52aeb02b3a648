import Foundation

/// The classifier put on top of a frozen backbone: optional hidden Dense + ReLU layers, then
/// a Dense layer to one logit per class (softmax is applied by the loss, and by the graph
/// node `save` writes). Parameters are float64 and trained by backpropagation written out
/// here, with no autodiff: the head is small and its gradient is checked against finite
/// differences in the tests.
public struct TrainableHead: Sendable, Hashable {
    /// Widths from the embedding to the classes: `[D, hidden..., C]`.
    public let layerSizes: [Int]
    /// Probability of zeroing each input of each Dense layer while training (inverted dropout:
    /// survivors are scaled by 1 / (1 - p), so inference needs no change).
    public let dropout: Double
    /// Every weight and bias, layer by layer: the kernel `[in, out]` row-major (the layout of
    /// the graph's Dense op), then the bias `[out]`.
    public var parameters: [Double]

    /// Glorot-uniform kernels (Keras' Dense default) from `seed`, zero biases.
    public init(layerSizes: [Int], dropout: Double = 0, seed: UInt64 = 0) {
        precondition(layerSizes.count >= 2 && layerSizes.allSatisfy { $0 > 0 }, "head layer sizes \(layerSizes)")
        precondition((0..<1).contains(dropout), "dropout \(dropout) outside [0, 1)")
        self.layerSizes = layerSizes
        self.dropout = dropout
        var rng = SplitMix64.derived(seed: seed, 0x11EAD)
        var p: [Double] = []
        for l in 0..<(layerSizes.count - 1) {
            let (fanIn, fanOut) = (layerSizes[l], layerSizes[l + 1])
            let limit = (6 / Double(fanIn + fanOut)).squareRoot()
            p += (0..<(fanIn * fanOut)).map { _ in (rng.unit() * 2 - 1) * limit }
            p += [Double](repeating: 0, count: fanOut)
        }
        parameters = p
    }

    /// Number of Dense layers.
    public var layerCount: Int { layerSizes.count - 1 }
    /// Width of the features the head reads.
    public var inputWidth: Int { layerSizes[0] }
    /// Number of classes the head outputs.
    public var classCount: Int { layerSizes[layerSizes.count - 1] }

    /// Where layer `l`'s kernel (`[in, out]`) and bias sit in `parameters`.
    public func ranges(ofLayer l: Int) -> (kernel: Range<Int>, bias: Range<Int>) {
        var offset = 0
        for i in 0..<l { offset += layerSizes[i] * layerSizes[i + 1] + layerSizes[i + 1] }
        let k = layerSizes[l] * layerSizes[l + 1]
        return (offset..<(offset + k), (offset + k)..<(offset + k + layerSizes[l + 1]))
    }

    /// Logits of `n` rows of features (`[n, D]` row-major), no dropout.
    public func logits(_ features: [Double], count n: Int) -> [Double] {
        forward(features, count: n, masks: nil).last!
    }

    /// The training loss of one batch and its gradient with respect to `parameters`:
    /// the class-weighted mean of softmax cross-entropy, sum(w[y] * CE) / sum(w[y]) (as
    /// PyTorch weights it), plus `weightDecay / 2` times the squared kernel weights (biases are
    /// not decayed). With `rng`, dropout masks are drawn from it; without, no dropout.
    public func lossAndGradient(features: [Double], labels: [Int], classWeights: [Double]? = nil,
                                weightDecay: Double = 0, rng: inout SplitMix64?) -> (loss: Double, gradient: [Double]) {
        let n = labels.count
        precondition(features.count == n * inputWidth, "\(features.count) feature values for \(n) rows of \(inputWidth)")
        var masks: [[Double]]?
        if var g = rng, dropout > 0 {
            let keep = 1 - dropout
            masks = (0..<layerCount).map { l in (0..<(n * layerSizes[l])).map { _ in g.unit() < keep ? 1 / keep : 0 } }
            rng = g
        }
        let acts = forward(features, count: n, masks: masks)
        let c = classCount
        let weightOf = { (label: Int) in classWeights?[label] ?? 1 }
        let total = labels.reduce(0) { $0 + weightOf($1) }

        // dL/dlogits = w[y] (softmax - onehot) / total, row by row.
        var delta = [Double](repeating: 0, count: n * c)
        var loss = 0.0
        let logits = acts[layerCount]
        for r in 0..<n {
            let row = logits[(r * c)..<((r + 1) * c)]
            let top = row.max()!
            let sum = row.reduce(0) { $0 + exp($1 - top) }
            let w = weightOf(labels[r]) / total
            loss += w * (log(sum) + top - row[r * c + labels[r]])
            for j in 0..<c { delta[r * c + j] = w * exp(row[r * c + j] - top) / sum }
            delta[r * c + labels[r]] -= w
        }

        var gradient = [Double](repeating: 0, count: parameters.count)
        for l in stride(from: layerCount - 1, through: 0, by: -1) {
            let (inW, outW) = (layerSizes[l], layerSizes[l + 1])
            let (kr, br) = ranges(ofLayer: l)
            let input = masks.map { applied($0[l], to: acts[l]) } ?? acts[l]
            // dW = input^T delta + decay W; db = column sums of delta.
            let dW = Matrix.multiplyTransposedA(input, delta, rows: n, k: inW, m: outW)
            for i in 0..<dW.count { gradient[kr.lowerBound + i] = dW[i] + weightDecay * parameters[kr.lowerBound + i] }
            for r in 0..<n { for j in 0..<outW { gradient[br.lowerBound + j] += delta[r * outW + j] } }
            guard l > 0 else { break }
            // Back through the kernel, the dropout mask and the ReLU of the layer below.
            var back = Matrix.multiplyTransposedB(delta, Array(parameters[kr]), rows: n, k: outW, m: inW)
            let below = acts[l]
            for i in 0..<back.count { back[i] = below[i] > 0 ? back[i] * (masks?[l][i] ?? 1) : 0 }
            delta = back
        }
        for l in 0..<layerCount {
            let kernel = parameters[ranges(ofLayer: l).kernel]
            loss += 0.5 * weightDecay * kernel.reduce(0) { $0 + $1 * $1 }
        }
        return (loss, gradient)
    }

    /// Activations of every layer: `[0]` the features, `[l]` the ReLU outputs feeding layer `l`,
    /// `[layerCount]` the logits. Masks (when training) are applied to each layer's input.
    private func forward(_ features: [Double], count n: Int, masks: [[Double]]?) -> [[Double]] {
        var acts = [features]
        for l in 0..<layerCount {
            let (kr, br) = ranges(ofLayer: l)
            let input = masks.map { applied($0[l], to: acts[l]) } ?? acts[l]
            var z = Matrix.multiply(input, Array(parameters[kr]), rows: n, k: layerSizes[l], m: layerSizes[l + 1])
            let bias = Array(parameters[br])
            let outW = layerSizes[l + 1]
            let isLast = l == layerCount - 1
            for i in 0..<z.count {
                let v = z[i] + bias[i % outW]
                z[i] = isLast ? v : max(v, 0)
            }
            acts.append(z)
        }
        return acts
    }

    private func applied(_ mask: [Double], to values: [Double]) -> [Double] {
        zip(mask, values).map { $0 * $1 }
    }
}

/// Dense float64 products on row-major arrays, written for clarity over speed: the head is
/// small next to the backbone.
enum Matrix {
    /// `a [rows, k] * b [k, m]`.
    static func multiply(_ a: [Double], _ b: [Double], rows: Int, k: Int, m: Int) -> [Double] {
        product(a, (k, 1), b, (m, 1), p: rows, t: k, q: m)
    }

    /// `a^T b` for `a [rows, k]`, `b [rows, m]`: `[k, m]`.
    static func multiplyTransposedA(_ a: [Double], _ b: [Double], rows: Int, k: Int, m: Int) -> [Double] {
        product(a, (1, k), b, (m, 1), p: k, t: rows, q: m)
    }

    /// `a b^T` for `a [rows, k]`, `b [m, k]`: `[rows, m]`.
    static func multiplyTransposedB(_ a: [Double], _ b: [Double], rows: Int, k: Int, m: Int) -> [Double] {
        product(a, (k, 1), b, (1, k), p: rows, t: k, q: m)
    }

    /// `out[i, j] = sum over s of A(i, s) * B(s, j)` with `A(i, s) = a[i * aStride.0 + s * aStride.1]`
    /// and `B(s, j) = b[s * bStride.0 + j * bStride.1]`: one loop for every transpose variant.
    private static func product(_ a: [Double], _ aStride: (Int, Int), _ b: [Double], _ bStride: (Int, Int),
                                p: Int, t: Int, q: Int) -> [Double] {
        var out = [Double](repeating: 0, count: p * q)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                out.withUnsafeMutableBufferPointer { o in
                    for i in 0..<p {
                        for s in 0..<t {
                            let x = a[i * aStride.0 + s * aStride.1]
                            if x == 0 { continue }
                            for j in 0..<q { o[i * q + j] += x * b[s * bStride.0 + j * bStride.1] }
                        }
                    }
                }
            }
        }
        return out
    }
}
