import ZooTensor

package enum Concat {
    /// Concatenates along `axis`; every input has `outShape` except on that axis.
    package static func run(inputs: [(pointer: UnsafePointer<Float>, shape: Shape)], axis: Int,
                           output: UnsafeMutablePointer<Float>, outShape: Shape) {
        precondition((0..<outShape.rank).contains(axis), "concat: axis \(axis) for output \(outShape)")
        precondition(inputs.reduce(0) { $0 + $1.shape[axis] } == outShape[axis],
                     "concat: inputs \(inputs.map(\.shape)) do not add up to \(outShape) on axis \(axis)")
        // Viewed as [outer, axis * inner], each input contributes one contiguous run per outer index.
        let outer = outShape.dims[..<axis].reduce(1, *)
        let inner = outShape.dims[(axis + 1)...].reduce(1, *)
        let outRow = outShape[axis] * inner
        var offset = 0
        for (pointer, shape) in inputs {
            precondition(shape.rank == outShape.rank, "concat: input \(shape) vs output \(outShape)")
            let run = shape[axis] * inner
            for o in 0..<outer {
                (output + o * outRow + offset).update(from: pointer + o * run, count: run)
            }
            offset += run
        }
    }
}
