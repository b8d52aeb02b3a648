#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ZooTensor

/// Applies `act` in place to `count` contiguous floats (the fused epilogue of conv and dense).
package func applyActivation(_ act: Activation, _ data: UnsafeMutablePointer<Float>, count: Int) {
    applyActivation(act, input: UnsafePointer(data), output: data, count: count)
}

/// `output[i] = act(input[i])`; `input` may equal `output`. Each case is its own loop so the
/// common ones vectorise.
func applyActivation(_ act: Activation, input x: UnsafePointer<Float>, output y: UnsafeMutablePointer<Float>,
                     count n: Int) {
    switch act {
    case .none:
        if UnsafePointer(y) != x { y.update(from: x, count: n) }
    case .relu:
        for i in 0..<n { y[i] = max(x[i], 0) }
    case .relu6:
        for i in 0..<n { y[i] = min(max(x[i], 0), 6) }
    case let .clip(lo, hi):
        for i in 0..<n { y[i] = min(max(x[i], lo), hi) }
    case let .leakyRelu(alpha):
        for i in 0..<n { let v = x[i]; y[i] = v < 0 ? alpha * v : v }
    case .sigmoid:
        for i in 0..<n { y[i] = 1 / (1 + expf(-x[i])) }
    case let .hardSigmoid(alpha, beta):
        for i in 0..<n { y[i] = max(0, min(1, alpha * x[i] + beta)) }
    case .hardSwish:
        for i in 0..<n { let v = x[i]; y[i] = v * min(max(v + 3, 0), 6) / 6 }
    case let .kerasReLU(maxValue, slope, threshold):
        for i in 0..<n { y[i] = kerasReLU(x[i], maxValue: maxValue, negativeSlope: slope, threshold: threshold) }
    }
}

/// Elementwise chunks smaller than this are not worth a thread hand-off.
let elementwiseGrain = 1 << 15

package enum Elementwise {
    package static func activation(_ act: Activation, input: UnsafePointer<Float>,
                                  output: UnsafeMutablePointer<Float>, count: Int, threads: Int) {
        let x = SharedConstPointer(input), y = SharedPointer(output)
        parallelFor(count: count, grain: elementwiseGrain, threads: threads) { _, r in
            applyActivation(act, input: x.base + r.lowerBound, output: y.base + r.lowerBound, count: r.count)
        }
    }

    /// Numpy broadcasting of `a` and `b` to `outShape`.
    package static func binary(_ op: BinaryOp, a: UnsafePointer<Float>, aShape: Shape, b: UnsafePointer<Float>, bShape: Shape,
                              output: UnsafeMutablePointer<Float>, outShape: Shape, threads: Int) {
        let count = outShape.elementCount
        guard count > 0 else { return }
        let plan = BroadcastPlan(a: aShape, b: bShape, out: outShape)
        let x = SharedConstPointer(a), y = SharedConstPointer(b), z = SharedPointer(output)
        let inner = plan.dims.last ?? 1
        let sa = plan.aStrides.last ?? 0, sb = plan.bStrides.last ?? 0
        if plan.dims.count <= 1 {
            // Same shape or a scalar operand: one flat loop, split by elements.
            parallelFor(count: count, grain: elementwiseGrain, threads: threads) { _, r in
                let lo = r.lowerBound
                combine(op, count: r.count, a: x.base + lo * sa, sa: sa, b: y.base + lo * sb, sb: sb,
                        out: z.base + lo)
            }
            return
        }
        // Per-channel and general broadcasting: rows of the innermost (coalesced) dimension.
        let rows = count / inner
        parallelFor(count: rows, grain: max(1, elementwiseGrain / inner), threads: threads) { _, r in
            for row in r {
                let (ao, bo) = plan.offsets(row: row)
                combine(op, count: inner, a: x.base + ao, sa: sa, b: y.base + bo, sb: sb,
                        out: z.base + row * inner)
            }
        }
    }

    /// output[i, c] = input[i, c] * scale[c] + shift[c] over `count` elements with `channels` innermost.
    package static func channelAffine(input: UnsafePointer<Float>, scale: UnsafePointer<Float>, shift: UnsafePointer<Float>,
                                     channels: Int, count: Int, output: UnsafeMutablePointer<Float>, threads: Int) {
        guard channels > 0, count > 0 else { return }
        precondition(count % channels == 0, "channelAffine: \(count) elements is not a multiple of \(channels) channels")
        let x = SharedConstPointer(input), s = SharedConstPointer(scale), t = SharedConstPointer(shift)
        let y = SharedPointer(output)
        parallelFor(count: count / channels, grain: max(1, elementwiseGrain / channels), threads: threads) { _, r in
            for row in r {
                let src = x.base + row * channels, dst = y.base + row * channels
                for c in 0..<channels { dst[c] = src[c] * s.base[c] + t.base[c] }
            }
        }
    }

    /// out[i] = a[i*sa] op b[i*sb]; strides are 0 (broadcast) or 1.
    static func combine(_ op: BinaryOp, count: Int, a: UnsafePointer<Float>, sa: Int, b: UnsafePointer<Float>, sb: Int,
                        out: UnsafeMutablePointer<Float>) {
        switch op {
        case .add: combine(AddFunction.self, count, a, sa, b, sb, out)
        case .sub: combine(SubFunction.self, count, a, sa, b, sb, out)
        case .mul: combine(MulFunction.self, count, a, sa, b, sb, out)
        case .div: combine(DivFunction.self, count, a, sa, b, sb, out)
        }
    }

    @inline(__always)
    private static func combine<F: BinaryFunction>(_: F.Type, _ n: Int, _ a: UnsafePointer<Float>, _ sa: Int,
                                                   _ b: UnsafePointer<Float>, _ sb: Int, _ out: UnsafeMutablePointer<Float>) {
        if sa == 1 && sb == 1 {
            for i in 0..<n { out[i] = F.apply(a[i], b[i]) }
        } else if sa == 1 {
            let v = b[0]
            for i in 0..<n { out[i] = F.apply(a[i], v) }
        } else if sb == 1 {
            let v = a[0]
            for i in 0..<n { out[i] = F.apply(v, b[i]) }
        } else {
            let v = F.apply(a[0], b[0])
            out.update(repeating: v, count: n)
        }
    }
}

protocol BinaryFunction { static func apply(_ a: Float, _ b: Float) -> Float }
enum AddFunction: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a + b } }
enum SubFunction: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a - b } }
enum MulFunction: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a * b } }
enum DivFunction: BinaryFunction { @inline(__always) static func apply(_ a: Float, _ b: Float) -> Float { a / b } }

/// Numpy broadcasting reduced to as few dimensions as possible: size-1 output axes are
/// dropped and neighbours that both operands walk the same way are merged, so same-shape
/// and scalar cases become one axis and per-channel cases two.
struct BroadcastPlan: Sendable {
    var dims: [Int] = []
    /// Element strides of each operand per dimension, 0 where it broadcasts.
    var aStrides: [Int] = []
    var bStrides: [Int] = []

    init(a: Shape, b: Shape, out: Shape) {
        let rank = out.rank
        precondition(a.rank <= rank && b.rank <= rank, "broadcast: \(a) and \(b) to \(out)")
        let aDims = Array(repeating: 1, count: rank - a.rank) + a.dims
        let bDims = Array(repeating: 1, count: rank - b.rank) + b.dims
        var aStride = 1, bStride = 1
        // Walk innermost first, collecting reversed, then flip.
        var d: [Int] = [], sa: [Int] = [], sb: [Int] = []
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            let n = out[axis], an = aDims[axis], bn = bDims[axis]
            precondition((an == n || an == 1) && (bn == n || bn == 1), "broadcast: \(a) and \(b) to \(out)")
            let axisA = an == 1 ? 0 : aStride, axisB = bn == 1 ? 0 : bStride
            aStride *= an
            bStride *= bn
            if n == 1 { continue }
            if let last = d.last, sa.last! * last == axisA, sb.last! * last == axisB {
                // Merge into the inner neighbour: same walk, longer axis.
                d[d.count - 1] *= n
            } else {
                d.append(n); sa.append(axisA); sb.append(axisB)
            }
        }
        dims = d.reversed(); aStrides = sa.reversed(); bStrides = sb.reversed()
    }

    /// Offsets into `a` and `b` of the first element of output row `row` (all but the last dim).
    func offsets(row: Int) -> (Int, Int) {
        var rest = row, ao = 0, bo = 0
        for axis in stride(from: dims.count - 2, through: 0, by: -1) {
            let i = rest % dims[axis]
            rest /= dims[axis]
            ao += i * aStrides[axis]
            bo += i * bStrides[axis]
        }
        return (ao, bo)
    }
}
