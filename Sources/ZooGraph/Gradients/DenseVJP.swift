/// Vector-Jacobian products of a dense layer `y[r, j] = sum_i x[r, i] w[i, j] + b[j]` with
/// weights `[in, out]`. Activation and residual are split off before differentiating.
enum DenseVJP {
    struct Gradients {
        var input: [Float]
        var weights: [Float]
        var bias: [Float]
    }

    /// dx = dy W^T, dW = x^T dy, db = sum over rows of dy. Sums run in float64: a
    /// classifier's input has tens of thousands of features (VGG's 25,088).
    static func backward(rows: Int, inFeatures: Int, outFeatures: Int, input x: [Float], weights w: [Float],
                         outputGradient dy: [Float], needsWeights: Bool = true) -> Gradients {
        precondition(x.count == rows * inFeatures && w.count == inFeatures * outFeatures && dy.count == rows * outFeatures,
                     "dense VJP: sizes")
        var dx = [Float](repeating: 0, count: x.count)
        var dw = [Float](repeating: 0, count: needsWeights ? w.count : 0)
        var db = [Float](repeating: 0, count: outFeatures)
        x.withUnsafeBufferPointer { x in
        w.withUnsafeBufferPointer { w in
        dy.withUnsafeBufferPointer { dy in
        dx.withUnsafeMutableBufferPointer { dx in
        dw.withUnsafeMutableBufferPointer { dw in
            for r in 0..<rows {
                let dyRow = r * outFeatures
                for i in 0..<inFeatures {
                    // Row i of W is contiguous: a dot product with dy's row.
                    let wRow = i * outFeatures
                    var acc = 0.0
                    for j in 0..<outFeatures { acc += Double(dy[dyRow + j]) * Double(w[wRow + j]) }
                    dx[r * inFeatures + i] = Float(acc)
                    if needsWeights {
                        let xi = x[r * inFeatures + i]
                        if xi != 0 { for j in 0..<outFeatures { dw[wRow + j] += xi * dy[dyRow + j] } }
                    }
                }
                for j in 0..<outFeatures { db[j] += dy[dyRow + j] }
            }
        }}}}}
        return Gradients(input: dx, weights: dw, bias: db)
    }
}
