import ZooGraph
import ZooKernels
import ZooTensor

/// Gemm and MatMul as dense layers (weights `[in, out]`). With constant weights, alpha and
/// beta are folded into the constants, and a flatten of an NHWC tensor is read as it is by
/// permuting the weight rows from C,H,W order to H,W,C order (VGG's classifier).
extension ONNXGraphImport {
    func importGemm(_ n: ONNXNodeContext) throws {
        try n.checkAttributes(["alpha", "beta", "transA", "transB"])
        try n.requireOutputs(atMost: 1)
        let alpha = try n.float("alpha", default: 1), beta = try n.float("beta", default: 1)
        let transA = try n.flag("transA", default: false), transB = try n.flag("transB", default: false)
        let a = try n.requiredInput(0), b = try n.requiredInput(1)
        let sa = try slot(a), sb = try slot(b)
        guard sa.rank == 2, sb.rank == 2 else { throw n.malformed("A \(Shape(sa.shape)) and B \(Shape(sb.shape)) must be 2-D") }
        let (m, k) = transA ? (sa.shape[1], sa.shape[0]) : (sa.shape[0], sa.shape[1])
        let (kb, outFeatures) = transB ? (sb.shape[1], sb.shape[0]) : (sb.shape[0], sb.shape[1])
        guard k == kb else { throw n.malformed("A \(Shape(sa.shape)) and B \(Shape(sb.shape)) do not multiply (transA \(transA), transB \(transB))") }

        let (x, rowOrder) = transA
            ? (try add(.transpose([1, 0]), [try plain(a)], name: n.output + "/a_t"), nil)
            : try denseInput(a, constantWeights: sb.known != nil)
        var weights: ValueID
        var scaleAfter: Float?
        if var w = sb.known?.converted(to: .float32) {
            if transB { w = Layout.inputMajor(fromOutputMajor: w) }
            if alpha != 1 { w = w.scaled(by: alpha) }
            if let f = rowOrder { w = hwcRows(w, f) }
            weights = try constant(n.output + "/kernel", w)
        } else {
            let pb = try plain(b)
            weights = transB ? try add(.transpose([1, 0]), [pb], name: n.output + "/b_t") : pb
            if alpha != 1 { scaleAfter = alpha }
        }

        // C broadcasts to [M, N]: a vector over N becomes the dense bias, anything else is added after.
        var bias = Tensor(zeros: [outFeatures])
        var addAfter: ValueID?
        if let c = n.input(2), beta != 0 {
            let sc = try slot(c)
            guard ShapeRules.broadcast(sc.shape, [m, outFeatures]) == [m, outFeatures] else {
                throw n.malformed("C \(Shape(sc.shape)) does not broadcast to [\(m), \(outFeatures)]")
            }
            if let t = sc.known?.converted(to: .float32) {
                let values = t.scaled(by: beta)
                if t.elementCount == 1 {
                    bias = Tensor(shape: [outFeatures], floats: [Float](repeating: values.floats[0], count: outFeatures))
                } else if sc.shape.last == outFeatures, t.elementCount == outFeatures {
                    bias = values.reshaped([outFeatures])
                } else {
                    addAfter = try constant(n.output + "/c", values)
                }
            } else {
                let pc = try plain(c)
                addAfter = beta == 1 ? pc
                    : try add(.binary(.mul), [pc, try constant(n.output + "/beta", Tensor(shape: [1], floats: [beta]))], name: n.output + "/beta_c")
            }
        }

        let steps = (scaleAfter != nil ? 1 : 0) + (addAfter != nil ? 1 : 0)
        var y = try add(.dense(DenseParams()), [x, weights, try constant(n.output + "/bias", bias)],
                        name: steps == 0 ? n.output : n.output + "/matmul")
        if let s = scaleAfter {
            y = try add(.binary(.mul), [y, try constant(n.output + "/alpha", Tensor(shape: [1], floats: [s]))],
                        name: addAfter == nil ? n.output : n.output + "/scaled")
        }
        if let c = addAfter { y = try add(.binary(.add), [y, c], name: n.output) }
        try definePlain(n.output, y, batchLeading: sa.batchLeading && !transA)
    }

    func importMatMul(_ n: ONNXNodeContext) throws {
        try n.checkAttributes([])
        try n.requireOutputs(atMost: 1)
        let a = try n.requiredInput(0), b = try n.requiredInput(1)
        let sa = try slot(a), sb = try slot(b)
        guard sb.rank == 2 else { throw n.unsupported("B has shape \(Shape(sb.shape)); only a 2-D B is supported") }
        guard sa.rank >= 2 else { throw n.unsupported("A has shape \(Shape(sa.shape)); only A of rank 2 or more is supported") }
        guard sa.shape[sa.rank - 1] == sb.shape[0] else { throw n.malformed("A \(Shape(sa.shape)) and B \(Shape(sb.shape)) do not multiply") }
        let (x, rowOrder) = sa.rank == 2 ? try denseInput(a, constantWeights: sb.known != nil) : (try plain(a), nil)
        let weights: ValueID
        if let w = sb.known?.converted(to: .float32) {
            weights = try constant(n.output + "/kernel", rowOrder.map { hwcRows(w, $0) } ?? w)
        } else {
            weights = try plain(b)
        }
        let bias = try constant(n.output + "/bias", Tensor(zeros: [sb.shape[1]]))
        let y = try add(.dense(DenseParams()), [x, weights, bias], name: n.output)
        try definePlain(n.output, y, batchLeading: sa.batchLeading)
    }

    /// The rows a dense layer reads: the HWC-ordered flatten itself when the weights are
    /// constant (their rows get permuted to match), else the value in ONNX order.
    private func denseInput(_ name: String, constantWeights: Bool) throws -> (ValueID, ONNXSlot.HWCFlat?) {
        let s = try slot(name)
        if constantWeights, s.plain == nil, let f = s.hwcFlat { return (f.value, f) }
        return (try plain(name), nil)
    }

    private func hwcRows(_ weights: Tensor, _ f: ONNXSlot.HWCFlat) -> Tensor {
        Layout.hwcRows(weights, channels: f.c, height: f.h, width: f.w)
    }
}

extension Tensor {
    /// A float32 copy with every element multiplied by `factor`.
    func scaled(by factor: Float) -> Tensor {
        Tensor(shape: shape, floats: converted(to: .float32).floats.map { $0 * factor })
    }
}
