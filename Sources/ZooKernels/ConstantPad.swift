import ZooTensor

package enum ConstantPad {
    /// Pads each axis with `before[i]` and `after[i]` elements of `value` (non-negative pads).
    package static func run(input: UnsafePointer<Float>, inShape: Shape, before: [Int], after: [Int], value: Float,
                           output: UnsafeMutablePointer<Float>) {
        let rank = inShape.rank
        precondition(before.count == rank && after.count == rank, "pad: \(rank) axes, pads \(before) \(after)")
        precondition((before + after).allSatisfy { $0 >= 0 }, "pad: negative pads \(before) \(after)")
        let outShape = Shape((0..<rank).map { inShape[$0] + before[$0] + after[$0] })
        output.update(repeating: value, count: outShape.elementCount)
        guard rank > 0 else {
            output.pointee = input.pointee
            return
        }
        let count = inShape.elementCount
        guard count > 0 else { return }
        // Copy the input one innermost row at a time to its shifted place in the output.
        let rowLength = inShape[rank - 1]
        let outStrides = outShape.strides
        var index = [Int](repeating: 0, count: rank)  // input coordinates of the current row
        for row in 0..<(count / rowLength) {
            var dst = before[rank - 1]
            for axis in 0..<(rank - 1) { dst += (index[axis] + before[axis]) * outStrides[axis] }
            (output + dst).update(from: input + row * rowLength, count: rowLength)
            // Advance the odometer over all axes but the last.
            var axis = rank - 2
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < inShape[axis] { break }
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
