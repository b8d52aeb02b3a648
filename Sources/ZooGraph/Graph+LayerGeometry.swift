import ZooKernels
import ZooTensor

/// The arithmetic courses teach for each layer: how far back into the input one output pixel
/// sees (receptive field), how far apart neighbouring output pixels are in input pixels
/// (cumulative stride, "jump"), and for convolutions and pools the size formula
/// out = (n + p_before + p_after - f) / s + 1 with f the dilated kernel extent.
public struct LayerGeometry: Sendable, Hashable {
    /// Receptive field in input pixels (rows x columns); nil once the spatial axes are gone.
    public var receptiveField: Size2D?
    /// Input pixels between neighbouring outputs; nil once the spatial axes are gone.
    public var jump: Size2D?
    /// `(n + p - f)/s + 1 = out` along H (and W when it differs), for convolutions and pools.
    public var arithmetic: String?
}

extension Graph {
    /// Per node (in node order), its receptive field, jump and size arithmetic, with
    /// r_out = r_in + (f - 1) * j_in and j_out = j_in * s for each window op; layers joining
    /// several inputs (add, concat) take the largest field.
    public func layerGeometry(batch: Int = 1) throws -> [LayerGeometry] {
        let shapes = try shapes(batch: batch)
        var field = [Size2D?](repeating: nil, count: values.count)
        var jump = [Size2D?](repeating: nil, count: values.count)
        for id in inputs { field[id] = .one; jump[id] = .one }
        var rows: [LayerGeometry] = []
        for node in nodes {
            let ins = node.inputs.filter { values[$0].constant == nil }
            let r = ins.compactMap { field[$0] }.max { $0.h * $0.w < $1.h * $1.w }
            let j = ins.compactMap { jump[$0] }.max { $0.h * $0.w < $1.h * $1.w }
            var outField = r, outJump = j, arithmetic: String?
            let x = shapes[node.inputs[0]], out = shapes[node.output]
            func window(_ k: Size2D, _ s: Size2D, _ d: Size2D, _ p: Padding2D) {
                let f = Size2D(d.h * (k.h - 1) + 1, d.w * (k.w - 1) + 1)
                if let r, let j {
                    outField = Size2D(r.h + (f.h - 1) * j.h, r.w + (f.w - 1) * j.w)
                    outJump = Size2D(j.h * s.h, j.w * s.w)
                }
                let hText = "(\(x[1]) + \(p.top + p.bottom) - \(f.h))/\(s.h) + 1 = \(out[1])"
                let wText = "(\(x[2]) + \(p.left + p.right) - \(f.w))/\(s.w) + 1 = \(out[2])"
                arithmetic = hText == wText || (x[1] == x[2] && f.h == f.w && s.h == s.w && p.top + p.bottom == p.left + p.right)
                    ? hText : hText + " x " + wText
            }
            switch node.op {
            case .conv2d(let p): window(p.kernel, p.strides, p.dilations, p.padding)
            case .pool2d(let p): window(p.kernel, p.strides, p.dilations, p.padding)
            case .globalPool, .dense, .flatten, .softmax:
                outField = nil; outJump = nil
            case .reshape, .transpose:
                // A layout change keeps the field when it is the NCHW <-> NHWC one.
                if out.rank != 4 { outField = nil; outJump = nil }
            case .batchNorm, .activation, .binary, .concat, .pad, .identity:
                break
            }
            field[node.output] = outField
            jump[node.output] = outJump
            rows.append(LayerGeometry(receptiveField: outField, jump: outJump, arithmetic: arithmetic))
        }
        return rows
    }
}
