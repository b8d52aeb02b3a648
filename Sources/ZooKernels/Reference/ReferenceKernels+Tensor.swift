#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ZooTensor

extension ReferenceKernels {
    /// `a op b` with numpy broadcasting: shapes right-aligned, size-1 dims repeat.
    package static func binary<T: BinaryFloatingPoint>(_ op: BinaryOp, a: [T], aShape: Shape, b: [T], bShape: Shape,
                                                      outShape: Shape) -> [Double] {
        var out = [Double]()
        var index = [Int](repeating: 0, count: outShape.rank)  // output coordinates, row-major order
        for _ in 0..<outShape.elementCount {
            let x = Double(a[broadcastOffset(index, into: aShape)])
            let y = Double(b[broadcastOffset(index, into: bShape)])
            switch op {
            case .add: out.append(x + y)
            case .sub: out.append(x - y)
            case .mul: out.append(x * y)
            case .div: out.append(x / y)
            }
            advance(&index, in: outShape)
        }
        return out
    }

    /// output[i, c] = input[i, c] * scale[c] + shift[c].
    package static func channelAffine<T: BinaryFloatingPoint>(input: [T], scale: [T], shift: [T], channels: Int) -> [Double] {
        input.indices.map { Double(input[$0]) * Double(scale[$0 % channels]) + Double(shift[$0 % channels]) }
    }

    /// Softmax along the middle axis of [outer, axis, inner], subtracting the max first.
    package static func softmax<T: BinaryFloatingPoint>(input: [T], outer: Int, axis: Int, inner: Int) -> [Double] {
        var out = [Double](repeating: 0, count: input.count)
        for o in 0..<outer {
            for i in 0..<inner {
                let at = { (a: Int) in (o * axis + a) * inner + i }
                let peak = (0..<axis).map { Double(input[at($0)]) }.max() ?? 0
                let total = (0..<axis).reduce(0.0) { $0 + exp(Double(input[at($1)]) - peak) }
                for a in 0..<axis { out[at(a)] = exp(Double(input[at(a)]) - peak) / total }
            }
        }
        return out
    }

    /// Concatenation along `axis`: each output element looks up the input covering its coordinate.
    package static func concat<T>(inputs: [(values: [T], shape: Shape)], axis: Int, outShape: Shape) -> [T] {
        (0..<outShape.elementCount).map { i in
            var index = coordinates(of: i, in: outShape)
            for (values, shape) in inputs {
                if index[axis] < shape[axis] { return values[offset(index, in: shape)] }
                index[axis] -= shape[axis]
            }
            preconditionFailure("concat reference: inputs do not cover \(outShape)")
        }
    }

    /// Constant padding: output coordinates minus `before` either land in the input or read `value`.
    package static func constantPad<T>(input: [T], inShape: Shape, before: [Int], after: [Int], value: T) -> [T] {
        let outShape = Shape((0..<inShape.rank).map { inShape[$0] + before[$0] + after[$0] })
        return (0..<outShape.elementCount).map { i in
            let index = zip(coordinates(of: i, in: outShape), before).map { $0 - $1 }
            let inside = zip(index, inShape.dims).allSatisfy { $0 >= 0 && $0 < $1 }
            return inside ? input[offset(index, in: inShape)] : value
        }
    }

    // MARK: index helpers

    static func coordinates(of flat: Int, in shape: Shape) -> [Int] {
        var rest = flat
        var index = [Int](repeating: 0, count: shape.rank)
        for axis in stride(from: shape.rank - 1, through: 0, by: -1) {
            index[axis] = rest % shape[axis]
            rest /= shape[axis]
        }
        return index
    }

    static func offset(_ index: [Int], in shape: Shape) -> Int {
        zip(index, shape.dims).reduce(0) { $0 * $1.1 + $1.0 }
    }

    /// Offset in `shape` of output coordinate `index` under broadcasting (right-aligned, size 1 repeats).
    static func broadcastOffset(_ index: [Int], into shape: Shape) -> Int {
        let shift = index.count - shape.rank
        var offset = 0
        for axis in 0..<shape.rank {
            offset = offset * shape[axis] + (shape[axis] == 1 ? 0 : index[shift + axis])
        }
        return offset
    }

    /// Steps row-major coordinates to the next element.
    static func advance(_ index: inout [Int], in shape: Shape) {
        var axis = shape.rank - 1
        while axis >= 0 {
            index[axis] += 1
            if index[axis] < shape[axis] { return }
            index[axis] = 0
            axis -= 1
        }
    }
}
