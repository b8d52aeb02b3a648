import ZooTensor

/// Stacking requests into one batch along the first axis, and taking each request's rows back
/// out of the outputs. Pure copies: each request's numbers are the ones the model computed.
enum RowStacking {
    /// The feeds of several requests joined along axis 0, input by input.
    static func stack(_ requests: [[String: Tensor]]) -> [String: Tensor] {
        var stacked: [String: Tensor] = [:]
        for name in requests[0].keys {
            let parts = requests.map { $0[name]! }
            let rows = parts.reduce(0) { $0 + $1.shape[0] }
            var dims = parts[0].shape.dims
            dims[0] = rows
            var values: [Float] = []
            values.reserveCapacity(Shape(dims).elementCount)
            for part in parts { part.withUnsafeFloats { values.append(contentsOf: $0) } }
            stacked[name] = Tensor(shape: Shape(dims), floats: values)
        }
        return stacked
    }

    /// Rows `from..<from+count` of an output whose first axis is the batch of `total` rows;
    /// an output without that axis is handed to every request whole.
    static func rows(_ tensor: Tensor, from: Int, count: Int, of total: Int) -> Tensor {
        guard tensor.shape.rank > 0, tensor.shape[0] == total else { return tensor }
        if from == 0 && count == total { return tensor }
        var dims = tensor.shape.dims
        dims[0] = count
        let width = tensor.elementCount / total
        let values = tensor.converted(to: .float32).withUnsafeFloats { Array($0[(from * width)..<((from + count) * width)]) }
        return Tensor(shape: Shape(dims), floats: values)
    }
}
