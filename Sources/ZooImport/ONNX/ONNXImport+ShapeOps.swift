import ZooGraph
import ZooTensor

/// ConstantOfShape and Range, evaluated at import time. PyTorch's exporter writes
/// `ConstantOfShape -> Concat -> Reshape -> Slice -> Transpose -> Reshape -> Cast` to turn
/// `F.pad`'s list into ONNX pads (EfficientNet's TF-style "same" padding); it all folds, and
/// the Pad reads constant pads.
extension ONNXGraphImport {
    func importConstantOfShape(_ n: ONNXNodeContext) throws {
        try n.checkAttributes(["value"])
        try n.requireOutputs(atMost: 1)
        let shapeName = try n.requiredInput(0)
        let dims = try knownInts(shapeName, n, what: "shape")
        if try slot(shapeName).batchMask?.contains(true) == true {
            throw n.unsupported("a constant whose shape is the batch size (it would be fixed at import time)")
        }
        guard dims.allSatisfy({ $0 >= 0 }), let count = Shape(dims).checkedElementCount, count <= KnownTensors.maxElements else {
            throw n.malformed("shape \(dims) is negative or too large")
        }
        var fill = Tensor(shape: [1], floats: [0])
        if let proto = try n.tensor("value") {
            fill = try tensors.decode(proto, what: "node '\(n.displayName)' value")
            guard fill.elementCount == 1 else { throw n.malformed("value has shape \(fill.shape); one element is expected") }
        }
        let element = fill.dtype.byteSize
        let out = Tensor(zeros: Shape(dims), dtype: fill.dtype)
        for i in 0..<count {
            out.storage.bytes.advanced(by: i * element).copyMemory(from: fill.rawPointer, byteCount: element)
        }
        try defineKnown(n.output, out)
    }

    /// Range(start, limit, delta): `max(ceil((limit - start) / delta), 0)` elements, integer
    /// when the operands are, else float32.
    func importRange(_ n: ONNXNodeContext) throws {
        try n.checkAttributes([])
        try n.requireOutputs(atMost: 1)
        let operands = try (0..<3).map { i -> Tensor in
            let name = try n.requiredInput(i)
            let t = try knownValue(name, n, what: ["start", "limit", "delta"][i])
            guard t.elementCount == 1 else { throw n.malformed("'\(name)' has shape \(t.shape); a scalar is expected") }
            return t
        }
        let integer = operands.allSatisfy { [.int64, .int32].contains($0.dtype) }
        func real(_ t: Tensor) -> Double { integer ? Double(t.int64s[0]) : Double(t.floats[0]) }
        let (start, limit, delta) = (real(operands[0]), real(operands[1]), real(operands[2]))
        guard delta != 0, delta.isFinite, start.isFinite, limit.isFinite else { throw n.malformed("delta is 0 or a bound is not finite") }
        let count = max(Int(((limit - start) / delta).rounded(.up)), 0)
        guard count <= KnownTensors.maxElements else { throw n.malformed("the range has \(count) elements, too many") }
        if integer {
            let (s, d) = (operands[0].int64s[0], operands[2].int64s[0])
            try defineKnown(n.output, Tensor(shape: [count], int64s: (0..<count).map { s &+ Int64($0) &* d }))
        } else {
            // ONNX defines each element as start + i * delta (not a running sum).
            let (s, d) = (operands[0].floats[0], operands[2].floats[0])
            try defineKnown(n.output, Tensor(shape: [count], floats: (0..<count).map { s + Float($0) * d }))
        }
    }
}
