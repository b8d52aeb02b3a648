import ZooGraph
import ZooKernels
import ZooTensor

/// Conv, MaxPool, AveragePool and the global pools: 2-D (4-D NCHW input) only.
extension ONNXGraphImport {
    func importConv(_ n: ONNXNodeContext) throws {
        try n.checkAttributes(["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"])
        try n.requireOutputs(atMost: 1)
        let x = try n.requiredInput(0)
        let xs = try slot(x)
        guard xs.rank == 4 else { throw n.unsupported("only 2-D convolution is supported; input '\(x)' has shape \(Shape(xs.shape))") }
        let w = try knownValue(try n.requiredInput(1), orElse: n.unsupported("the weights must be an initializer or constant"))
        guard w.shape.rank == 4 else { throw n.malformed("weights of shape \(w.shape); expected [O, C/group, KH, KW]") }
        let (o, cPerGroup, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let groups = try n.int("group", default: 1)
        guard groups >= 1, cPerGroup * groups == xs.shape[1], o % groups == 0 else {
            throw n.malformed("weights \(w.shape) with group \(groups) do not fit input \(Shape(xs.shape))")
        }
        if let k = try n.ints("kernel_shape"), k != [kh, kw] {
            throw n.malformed("kernel_shape \(k) does not match weights \(w.shape)")
        }
        var bias: Tensor?
        if let b = n.input(2) {
            let t = try knownValue(b, orElse: n.unsupported("the bias must be an initializer or constant"))
            guard t.shape.dims == [o] else { throw n.malformed("bias of shape \(t.shape); expected [\(o)]") }
            bias = t.converted(to: .float32)
        }
        let window = try windowGeometry(n, kernel: [kh, kw], input: [xs.shape[2], xs.shape[3]], allowsDilations: true)
        let params = Conv2DParams(kernel: Size2D(kh, kw), strides: window.strides, dilations: window.dilations,
                                  padding: window.padding, groups: groups)
        let hwio = Layout.hwio(fromOIHW: w.converted(to: .float32))
        let weights = try constant(n.output + "/kernel", hwio)
        let b = try constant(n.output + "/bias", bias ?? Tensor(zeros: [o]))
        let y = try add(.conv2d(params), [try nhwc(x), weights, b], name: n.output)
        try defineNHWC(n.output, y, batchLeading: xs.batchLeading)
    }

    func importPool(_ n: ONNXNodeContext) throws {
        let isMax = n.op == .maxPool
        // storage_order only orders the Indices output, which is rejected below.
        var known: Set<String> = ["auto_pad", "kernel_shape", "pads", "strides"]
        if n.version >= 10 { known.insert("ceil_mode") }
        if isMax {
            if n.version >= 8 { known.insert("storage_order") }
            if n.version >= 10 { known.insert("dilations") }
        } else {
            if n.version >= 7 { known.insert("count_include_pad") }
            if n.version >= 19 { known.insert("dilations") }
        }
        try n.checkAttributes(known)
        try n.requireOutputs(atMost: 1)
        let x = try n.requiredInput(0)
        let xs = try slot(x)
        guard xs.rank == 4 else { throw n.unsupported("only 2-D pooling is supported; input '\(x)' has shape \(Shape(xs.shape))") }
        guard let k = try n.ints("kernel_shape") else { throw n.malformed("kernel_shape is required") }
        guard k.count == 2 else { throw n.unsupported("kernel_shape \(k): only 2-D pooling is supported") }
        let window = try windowGeometry(n, kernel: k, input: [xs.shape[2], xs.shape[3]], allowsDilations: known.contains("dilations"))
        let params = Pool2DParams(kind: isMax ? .max : .average, kernel: Size2D(k[0], k[1]), strides: window.strides,
                                  dilations: window.dilations, padding: window.padding,
                                  countIncludePad: try n.flag("count_include_pad", default: false),
                                  ceilMode: try n.flag("ceil_mode", default: false))
        let y = try add(.pool2d(params), [try nhwc(x)], name: n.output)
        try defineNHWC(n.output, y, batchLeading: xs.batchLeading)
    }

    func importGlobalPool(_ n: ONNXNodeContext) throws {
        try n.checkAttributes([])
        try n.requireOutputs(atMost: 1)
        let x = try n.requiredInput(0)
        let xs = try slot(x)
        guard xs.rank == 4 else { throw n.unsupported("only 4-D NCHW input is supported; '\(x)' has shape \(Shape(xs.shape))") }
        let kind: PoolKind = n.op == .globalMaxPool ? .max : .average
        let y = try add(.globalPool(kind, keepDims: true), [try nhwc(x)], name: n.output)
        try defineNHWC(n.output, y, batchLeading: xs.batchLeading)
    }

    /// Window sizes beyond this are hostile, not models; the bound keeps the size arithmetic from overflowing.
    static let windowLimit = 1 << 20

    /// Strides, dilations and padding of a 2-D window op, with `auto_pad` resolved.
    private func windowGeometry(_ n: ONNXNodeContext, kernel: [Int], input: [Int], allowsDilations: Bool)
        throws -> (strides: Size2D, dilations: Size2D, padding: Padding2D) {
        let strides = try n.ints("strides") ?? [1, 1]
        let dilations = allowsDilations ? (try n.ints("dilations") ?? [1, 1]) : [1, 1]
        guard strides.count == 2, strides.allSatisfy({ $0 > 0 }) else { throw n.malformed("strides \(strides): two positive values expected") }
        guard dilations.count == 2, dilations.allSatisfy({ $0 > 0 }) else { throw n.malformed("dilations \(dilations): two positive values expected") }
        var pads = try n.ints("pads") ?? [0, 0, 0, 0]
        guard pads.count == 4 else { throw n.malformed("pads \(pads): four values expected ([top, left, bottom, right])") }
        guard pads.allSatisfy({ $0 >= 0 }) else { throw n.unsupported("negative pads \(pads)") }
        guard (strides + dilations + pads + kernel).allSatisfy({ $0 < Self.windowLimit }) else {
            throw n.malformed("kernel \(kernel), strides \(strides), dilations \(dilations) or pads \(pads) out of range")
        }
        let autoPad = try n.string("auto_pad") ?? "NOTSET"
        switch autoPad {
        case "NOTSET":
            break
        case "VALID":
            pads = [0, 0, 0, 0]
        case "SAME_UPPER", "SAME_LOWER":
            for axis in 0..<2 {
                let same = SamePadding.resolve(input: input[axis], kernel: kernel[axis], stride: strides[axis],
                                               dilation: dilations[axis], oddPixelFirst: autoPad == "SAME_LOWER")
                (pads[axis], pads[axis + 2]) = (same.before, same.after)
            }
        default:
            throw n.unsupported("auto_pad '\(autoPad)'")
        }
        return (Size2D(strides[0], strides[1]), Size2D(dilations[0], dilations[1]),
                Padding2D(top: pads[0], left: pads[1], bottom: pads[2], right: pads[3]))
    }
}
