import Foundation
import ZooKernels
import ZooTensor

/// Vector-Jacobian products of the ops that move, combine or rescale values without weights:
/// broadcasting arithmetic, concat, pad, transpose, softmax and an unfolded batch norm.
/// (Flatten, reshape and identity keep the bytes, so their gradient is the output's.)
enum TensorOpsVJP {
    /// Gradients of `a op b` with numpy broadcasting: each output element's gradient goes to
    /// the element of `a` and of `b` it read, summed over the positions a size-1 dim repeated.
    static func binary(_ op: BinaryOp, a: [Float], aShape: Shape, b: [Float], bShape: Shape, outShape: Shape,
                       outputGradient dy: [Float]) -> (a: [Float], b: [Float]) {
        var da = [Double](repeating: 0, count: a.count)
        var db = [Double](repeating: 0, count: b.count)
        let aStrides = broadcastStrides(aShape, into: outShape), bStrides = broadcastStrides(bShape, into: outShape)
        var index = [Int](repeating: 0, count: outShape.rank)
        for i in 0..<outShape.elementCount {
            var ia = 0, ib = 0
            for axis in 0..<index.count { ia += index[axis] * aStrides[axis]; ib += index[axis] * bStrides[axis] }
            let g = Double(dy[i]), x = Double(a[ia]), y = Double(b[ib])
            switch op {
            case .add: da[ia] += g; db[ib] += g
            case .sub: da[ia] += g; db[ib] -= g
            case .mul: da[ia] += g * y; db[ib] += g * x
            case .div: da[ia] += g / y; db[ib] -= g * x / (y * y)
            }
            // Next output coordinate, row-major.
            var axis = index.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < outShape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return (da.map(Float.init), db.map(Float.init))
    }

    /// Strides of `shape` read at the coordinates of `outShape`: 0 on the axes it broadcasts along.
    private static func broadcastStrides(_ shape: Shape, into outShape: Shape) -> [Int] {
        let strides = shape.strides, offset = outShape.rank - shape.rank
        return (0..<outShape.rank).map { axis in
            axis < offset || shape[axis - offset] == 1 ? 0 : strides[axis - offset]
        }
    }

    /// Concat's gradient is the output gradient cut back into the inputs' slices.
    static func concat(inputs: [Shape], axis: Int, outShape: Shape, outputGradient dy: [Float]) -> [[Float]] {
        let outer = outShape.dims[..<axis].reduce(1, *), inner = outShape.dims[(axis + 1)...].reduce(1, *)
        let outRow = outShape[axis] * inner
        var start = 0
        return inputs.map { shape in
            let row = shape[axis] * inner
            var dx = [Float](); dx.reserveCapacity(outer * row)
            for o in 0..<outer { dx += dy[(o * outRow + start)..<(o * outRow + start + row)] }
            start += row
            return dx
        }
    }

    /// A constant pad's gradient is the output gradient with the padding cut away.
    static func pad(input: Shape, before: [Int], outShape: Shape, outputGradient dy: [Float]) -> [Float] {
        let outStrides = outShape.strides
        var dx = [Float](repeating: 0, count: input.elementCount)
        var index = [Int](repeating: 0, count: input.rank)
        for i in 0..<dx.count {
            var o = 0
            for axis in 0..<index.count { o += (index[axis] + before[axis]) * outStrides[axis] }
            dx[i] = dy[o]
            var axis = index.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < input[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
        return dx
    }

    /// A transpose's gradient is the output gradient transposed back by the inverse permutation.
    static func transpose(outShape: Shape, permutation: [Int], outputGradient dy: [Float]) -> [Float] {
        var inverse = [Int](repeating: 0, count: permutation.count)
        for (i, p) in permutation.enumerated() { inverse[p] = i }
        var dx = [Float](repeating: 0, count: dy.count)
        dy.withUnsafeBytes { src in
            dx.withUnsafeMutableBytes { dst in
                permute(source: src.baseAddress!, shape: outShape, permutation: inverse, destination: dst.baseAddress!, elementSize: 4)
            }
        }
        return dx
    }

    /// Softmax along an axis: dx = y * (dy - sum(dy * y)) within each softmax row.
    static func softmax(output y: [Float], outer: Int, axis: Int, inner: Int, outputGradient dy: [Float]) -> [Float] {
        var dx = [Float](repeating: 0, count: y.count)
        for o in 0..<outer {
            for i in 0..<inner {
                var dot = 0.0
                for k in 0..<axis { let j = (o * axis + k) * inner + i; dot += Double(dy[j]) * Double(y[j]) }
                for k in 0..<axis {
                    let j = (o * axis + k) * inner + i
                    dx[j] = Float(Double(y[j]) * (Double(dy[j]) - dot))
                }
            }
        }
        return dx
    }

    /// An inference batch norm is y = x * s + t per channel, s = gamma / sqrt(var + eps): dx = dy * s.
    static func batchNorm(gamma: [Float], variance: [Float], epsilon: Float, outputGradient dy: [Float]) -> [Float] {
        let scale = zip(gamma, variance).map { Double($0) / (Double($1) + Double(epsilon)).squareRoot() }
        let channels = scale.count
        return dy.indices.map { Float(Double(dy[$0]) * scale[$0 % channels]) }
    }
}
