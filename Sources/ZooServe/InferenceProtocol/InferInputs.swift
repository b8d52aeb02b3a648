import Foundation
import ZooTensor

/// Checks an infer request's inputs against the model and turns them into tensors: each input
/// present, FP32, its shape the model's (any batch size), its data as long as its shape says.
/// Every refusal is a 400 naming the input.
enum InferInputs {
    static func check(_ inputs: [InferRequest.Input], binary: Data, against model: [TensorDescription],
                      takesBatches: Bool) throws -> (feeds: [String: Tensor], rows: Int) {
        for input in inputs where !model.contains(where: { $0.name == input.name }) {
            throw ServeError.badRequest("the model has no input '\(input.name)' (inputs: \(model.map(\.name).joined(separator: ", ")))")
        }
        var binaryOffset = binary.startIndex
        var tensors: [String: Tensor] = [:]
        // Binary data follows the JSON in the order the inputs are listed.
        for input in inputs {
            guard let description = model.first(where: { $0.name == input.name }) else { continue }
            guard input.datatype == "FP32" else {
                throw ServeError.badRequest("input '\(input.name)': datatype \(input.datatype) is not supported (the model takes FP32)")
            }
            let expected = description.shape
            let matches = input.shape.count == expected.count
                && zip(input.shape, expected).allSatisfy { given, wanted in wanted == -1 ? given >= 1 : given == wanted }
            guard matches else {
                throw ServeError.badRequest("input '\(input.name)': shape \(input.shape) does not match the model's \(expected)")
            }
            guard let count = Shape(input.shape).checkedElementCount else {
                throw ServeError.badRequest("input '\(input.name)': shape \(input.shape) is too large")
            }
            let values: [Float]
            if let size = input.parameters?["binary_data_size"] {
                guard let size = size.int, size >= 0, size <= binary.endIndex - binaryOffset else {
                    throw ServeError.badRequest("input '\(input.name)': binary_data_size runs past the \(binary.count) bytes of binary data")
                }
                guard size == count * 4 else {
                    throw ServeError.badRequest("input '\(input.name)': \(size) bytes of binary data for shape \(input.shape) (FP32 needs \(count * 4))")
                }
                values = BinaryTensorData.floats(binary[binaryOffset..<(binaryOffset + size)])
                binaryOffset += size
            } else if let data = input.data {
                values = data.values
            } else {
                throw ServeError.badRequest("input '\(input.name)': no data (give \"data\" or parameters.binary_data_size)")
            }
            guard values.count == count else {
                throw ServeError.badRequest("input '\(input.name)': \(values.count) values for shape \(input.shape) (expected \(count))")
            }
            tensors[input.name] = Tensor(shape: Shape(input.shape), floats: values)
        }
        for description in model where tensors[description.name] == nil {
            throw ServeError.badRequest("input '\(description.name)' is missing")
        }
        let rows = takesBatches ? tensors.values.first.map { $0.shape.rank > 0 ? $0.shape[0] : 1 } ?? 1 : 1
        if takesBatches, let other = tensors.first(where: { $0.value.shape[0] != rows }) {
            throw ServeError.badRequest("input '\(other.key)': batch size \(other.value.shape[0]) differs from the other inputs' \(rows)")
        }
        return (tensors, rows)
    }
}
