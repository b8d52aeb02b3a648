import ZooGraph
import ZooTensor

/// The group a node's time is counted under in a profile: the op, and for convolutions the
/// kernel size and stride, since those pick different code paths (3x3 stride 1 is where a
/// Winograd kernel would go; 1x1 is a plain GEMM; depthwise has its own kernel).
public enum OpKind {
    /// "conv 3x3", "conv 1x1 s2", "depthwise 3x3 s2", "dense", "max pool", "add", ...
    public static func label(of node: Node, shapes: [Shape]) -> String {
        switch node.op {
        case .conv2d(let p):
            let inChannels = shapes[node.inputs[0]].dims.last ?? 0
            let family = p.groups == 1 ? "conv" : (p.groups == inChannels ? "depthwise" : "grouped conv")
            var label = "\(family) \(p.kernel.h)x\(p.kernel.w)"
            if p.strides != .one { label += p.strides.h == p.strides.w ? " s\(p.strides.h)" : " s\(p.strides)" }
            if p.dilations != .one { label += " dilated" }
            return label
        case .dense: return "dense"
        case .batchNorm: return "batch norm"
        case .activation: return "activation"
        case .softmax: return "softmax"
        case .pool2d(let p): return p.kind == .max ? "max pool" : "avg pool"
        case .globalPool: return "global pool"
        case .binary(let op): return op.rawValue
        case .concat: return "concat"
        case .pad: return "pad"
        case .transpose: return "transpose"
        case .flatten, .reshape, .identity: return "reshape"
        }
    }
}
