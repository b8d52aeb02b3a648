import ZooKernels

/// Vector-Jacobian products of a 2-D convolution `y = conv(x, w) + b` over NHWC input and HWIO
/// weights, for any stride, padding, dilation and group count (depthwise is groups == C).
/// The activation and residual a fused convolution carries are split off before differentiating
/// (`Graph.unfusedForGradients()`), and a batch norm folded into the weights is part of `w`.
enum ConvolutionVJP {
    /// The gradients of one convolution: `input` [N,H,W,C], `weights` [KH,KW,C/groups,O], `bias` [O].
    struct Gradients {
        var input: [Float]
        var weights: [Float]
        var bias: [Float]
    }

    /// Walks the same taps as the forward pass: each output gradient dy[n,oh,ow,o] flows back to
    /// every input pixel and weight that produced y[n,oh,ow,o].
    static func backward(_ g: Conv2DGeometry, input x: [Float], weights w: [Float], outputGradient dy: [Float],
                         needsWeights: Bool = true) -> Gradients {
        let p = g.params
        let cg = g.inC / p.groups, og = g.outC / p.groups
        precondition(x.count == g.batch * g.inH * g.inW * g.inC, "conv VJP: input size")
        precondition(w.count == p.kernel.h * p.kernel.w * cg * g.outC, "conv VJP: weight size")
        precondition(dy.count == g.batch * g.outH * g.outW * g.outC, "conv VJP: gradient size")
        var dx = [Float](repeating: 0, count: x.count)
        var dw = [Float](repeating: 0, count: needsWeights ? w.count : 0)
        var db = [Float](repeating: 0, count: g.outC)
        x.withUnsafeBufferPointer { x in
        w.withUnsafeBufferPointer { w in
        dy.withUnsafeBufferPointer { dy in
        dx.withUnsafeMutableBufferPointer { dx in
        dw.withUnsafeMutableBufferPointer { dw in
            for n in 0..<g.batch {
                for oh in 0..<g.outH {
                    for ow in 0..<g.outW {
                        let outBase = ((n * g.outH + oh) * g.outW + ow) * g.outC
                        for o in 0..<g.outC {
                            let grad = dy[outBase + o]
                            if grad == 0 { continue }
                            db[o] += grad
                            let firstChannel = (o / og) * cg
                            for kh in 0..<p.kernel.h {
                                let ih = oh * p.strides.h - p.padding.top + kh * p.dilations.h
                                if ih < 0 || ih >= g.inH { continue }
                                for kw in 0..<p.kernel.w {
                                    let iw = ow * p.strides.w - p.padding.left + kw * p.dilations.w
                                    if iw < 0 || iw >= g.inW { continue }
                                    let inBase = ((n * g.inH + ih) * g.inW + iw) * g.inC + firstChannel
                                    let wBase = (kh * p.kernel.w + kw) * cg * g.outC + o
                                    for ci in 0..<cg {
                                        dx[inBase + ci] += grad * w[wBase + ci * g.outC]
                                        if needsWeights { dw[wBase + ci * g.outC] += grad * x[inBase + ci] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }}}}}
        return Gradients(input: dx, weights: dw, bias: db)
    }
}
