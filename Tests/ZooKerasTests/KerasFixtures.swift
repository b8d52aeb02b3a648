import Foundation
import Testing
import ZooGraph
import ZooTensor

/// The committed fixtures (made by tools/keras/make_fixtures.py) and Keras' outputs for them.
enum KerasFixtures {
    struct Reference: Decodable {
        var input: String
        var input_shape: [Int]
        var output: String
        var output_shape: [Int]
        var top1: [Int]
        var architecture: String?
    }

    static var directory: URL {
        get throws {
            try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        }
    }

    static func url(_ name: String) throws -> URL { try directory.appendingPathComponent(name) }

    static func references() throws -> [String: Reference] {
        try JSONDecoder().decode([String: Reference].self, from: Data(contentsOf: url("references.json")))
    }

    /// Raw little-endian float32 values.
    static func floats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: url(name))
        return data.withUnsafeBytes { raw in (0..<data.count / 4).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
    }

    /// Runs `graph` on the reference input and returns its single output.
    static func run(_ graph: Graph, reference: Reference) throws -> Tensor {
        let inputName = try #require(graph.inputs.first.map { graph.values[$0].name })
        let input = Tensor(shape: Shape(reference.input_shape), floats: try floats(reference.input))
        let outputs = try Executor(graph: graph, threads: 2).run([inputName: input])
        return try #require(outputs.values.first)
    }

    /// Index of the largest value in each row.
    static func top1(_ values: [Float], rows: Int) -> [Int] {
        let width = values.count / rows
        return (0..<rows).map { r in
            let row = values[r * width..<(r + 1) * width]
            return (row.indices.max { row[$0] < row[$1] } ?? r * width) - r * width
        }
    }
}
