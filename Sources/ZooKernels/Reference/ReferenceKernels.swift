#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Naive float64 twins of the kernels: direct loops over the definitions, slow on purpose and
/// easy to check by eye. Tests compare the real kernels (and whole graphs) against these.
/// Inputs may be `Float` or `Double` so references can be chained.
package enum ReferenceKernels {
    /// The exact formulas of `Activation`, in float64.
    package static func activation(_ act: Activation, _ x: Double) -> Double {
        switch act {
        case .none: x
        case .relu: max(x, 0)
        case .relu6: min(max(x, 0), 6)
        case let .clip(lo, hi): min(max(x, Double(lo)), Double(hi))
        case let .leakyRelu(alpha): x < 0 ? Double(alpha) * x : x
        case .sigmoid: 1 / (1 + exp(-x))
        case let .hardSigmoid(alpha, beta): max(0, min(1, Double(alpha) * x + Double(beta)))
        case .hardSwish: x * min(max(x + 3, 0), 6) / 6
        case let .kerasReLU(maxValue, slope, threshold):
            kerasReLU(x, maxValue: maxValue, negativeSlope: slope, threshold: threshold)
        }
    }

    package static func activation<T: BinaryFloatingPoint>(_ act: Activation, _ x: [T]) -> [Double] {
        x.map { activation(act, Double($0)) }
    }

    /// output[N,OH,OW,O] = act(conv(input[N,H,W,C], weights[KH,KW,C/groups,O]) + bias[O] + residual).
    /// Output channel o belongs to group o / (O/groups), which reads input channels
    /// [group*C/groups, (group+1)*C/groups); depthwise is groups == C.
    package static func conv2d<T: BinaryFloatingPoint>(_ g: Conv2DGeometry, input: [T], weights: [T],
                                                      bias: [T]? = nil, residual: [T]? = nil) -> [Double] {
        let p = g.params
        let cg = g.inC / p.groups, og = g.outC / p.groups
        precondition(input.count == g.batch * g.inH * g.inW * g.inC, "conv2d reference: input size")
        precondition(weights.count == p.kernel.h * p.kernel.w * cg * g.outC, "conv2d reference: weight size")
        var out = [Double](repeating: 0, count: g.batch * g.outH * g.outW * g.outC)
        for n in 0..<g.batch {
            for oh in 0..<g.outH {
                for ow in 0..<g.outW {
                    for o in 0..<g.outC {
                        let group = o / og
                        var acc = 0.0
                        for kh in 0..<p.kernel.h {
                            let ih = oh * p.strides.h - p.padding.top + kh * p.dilations.h
                            if ih < 0 || ih >= g.inH { continue }
                            for kw in 0..<p.kernel.w {
                                let iw = ow * p.strides.w - p.padding.left + kw * p.dilations.w
                                if iw < 0 || iw >= g.inW { continue }
                                for ci in 0..<cg {
                                    let x = input[((n * g.inH + ih) * g.inW + iw) * g.inC + group * cg + ci]
                                    let w = weights[((kh * p.kernel.w + kw) * cg + ci) * g.outC + o]
                                    acc += Double(x) * Double(w)
                                }
                            }
                        }
                        let index = ((n * g.outH + oh) * g.outW + ow) * g.outC + o
                        if let bias { acc += Double(bias[o]) }
                        if let residual { acc += Double(residual[index]) }
                        out[index] = activation(p.activation, acc)
                    }
                }
            }
        }
        return out
    }

    /// output[rows,out] = act(input[rows,in] x weights[in,out] + bias[out] + residual[rows,out]).
    package static func dense<T: BinaryFloatingPoint>(rows: Int, inFeatures: Int, outFeatures: Int, input: [T],
                                                     weights: [T], bias: [T]? = nil, residual: [T]? = nil,
                                                     activation act: Activation = .none) -> [Double] {
        var out = [Double](repeating: 0, count: rows * outFeatures)
        for r in 0..<rows {
            for j in 0..<outFeatures {
                var acc = 0.0
                for i in 0..<inFeatures {
                    acc += Double(input[r * inFeatures + i]) * Double(weights[i * outFeatures + j])
                }
                if let bias { acc += Double(bias[j]) }
                if let residual { acc += Double(residual[r * outFeatures + j]) }
                out[r * outFeatures + j] = activation(act, acc)
            }
        }
        return out
    }
}
