import ZooGraph
import ZooTensor

/// What the importer holds for one ONNX value. A value can be known at import time (weights,
/// Constant nodes, folded shape arithmetic) and can exist in the graph in up to three
/// layouts; each form is created once, when some consumer first asks for it.
struct ONNXSlot {
    /// The shape in ONNX's own order (NCHW for images). Dimension 0 of an activation is the batch.
    var shape: [Int]
    /// The value, when known at import time.
    var known: Tensor?
    /// For a known 1-D integer tensor folded from `Shape`: which elements are the batch size,
    /// so that a Reshape built from them keeps the batch free at run time.
    var batchMask: [Bool]?
    /// Whether dimension 0 is the run-time batch (it derives from a graph input's first dim).
    var batchLeading = false
    /// The graph input this value is (directly or through Identity): when an op needs it known,
    /// the input can be given as a value (`ONNXNeedsKnownInput`).
    var graphInput: String?
    /// Graph value in ONNX order.
    var plain: ValueID?
    /// Graph value of a rank-4 tensor in NHWC order.
    var nhwc: ValueID?
    /// Graph value `[N, C*H*W]` whose features are in H, W, C order: a Flatten of an NHWC
    /// tensor whose NCHW order differs. A Gemm/MatMul with constant weights reads it directly
    /// by permuting its weight rows; anything else asks for `plain`.
    var hwcFlat: HWCFlat?

    struct HWCFlat {
        var value: ValueID
        var c: Int, h: Int, w: Int
    }

    init(shape: [Int], known: Tensor? = nil, batchMask: [Bool]? = nil, batchLeading: Bool = false) {
        self.shape = shape
        self.known = known
        self.batchMask = batchMask
        self.batchLeading = batchLeading
    }

    var rank: Int { shape.count }
}
