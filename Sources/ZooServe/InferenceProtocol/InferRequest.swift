import Foundation

/// The body of `POST /v2/models/{name}/infer` (Open Inference Protocol, REST), with the
/// binary-data extension: an input whose `parameters.binary_data_size` is set has no `data`;
/// its bytes follow the JSON in input order.
struct InferRequest: Decodable {
    var id: String?
    var parameters: [String: ParameterValue]?
    var inputs: [Input]
    var outputs: [RequestedOutput]?

    struct Input: Decodable {
        var name: String
        var shape: [Int]
        var datatype: String
        var parameters: [String: ParameterValue]?
        var data: FlatNumbers?
    }

    struct RequestedOutput: Decodable {
        var name: String
        var parameters: [String: ParameterValue]?
    }
}

/// A protocol parameter value: bool, number or string.
enum ParameterValue: Codable, Equatable {
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var int: Int? {
        switch self {
        case .int(let value): value
        case .double(let value) where value == value.rounded(): Int(exactly: value)
        default: nil
        }
    }
}

/// Tensor `data` in JSON: numbers in row-major order, flat or nested to any depth.
struct FlatNumbers: Decodable {
    var values: [Float] = []

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        if let count = container.count { values.reserveCapacity(count) }
        while !container.isAtEnd {
            if let value = try? container.decode(Float.self) {
                values.append(value)
            } else {
                values += try container.decode(FlatNumbers.self).values
            }
        }
    }
}
