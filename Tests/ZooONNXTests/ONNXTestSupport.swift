import Foundation
import ZooGraph
import ZooImport
import ZooTensor

/// Shared helpers for the ONNX tests: fixture paths, test inputs, comparisons.
enum ONNXTestSupport {
    static var fixtures: URL {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil) ?? URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

    /// The input tools/onnx/make_fixtures.py feeds the torchvision fixtures: values in [-1, 1)
    /// computed with integer arithmetic and one double division, so both sides agree exactly.
    static func fixtureInput(_ shape: Shape) -> Tensor {
        let values = (0..<shape.elementCount).map { i in Float(Double((i * 7919) % 2003) / 1001.0 - 1.0) }
        return Tensor(shape: shape, floats: values)
    }

    /// Runs a graph on one input and returns its only output.
    static func runSingle(_ graph: Graph, input: String, _ tensor: Tensor) throws -> Tensor {
        let outputs = try Executor(graph: graph, threads: 2).run([input: tensor])
        guard outputs.count == 1, let y = outputs.values.first else { throw TestFailure("expected one output, got \(outputs.keys.sorted())") }
        return y
    }

    /// numpy.allclose: |a - e| <= atol + rtol * |e| everywhere (NaNs must match).
    /// Returns a description of the worst element when it fails.
    static func mismatch(_ actual: [Float], _ expected: [Float], rtol: Float = 1e-5, atol: Float = 1e-4) -> String? {
        guard actual.count == expected.count else { return "\(actual.count) values, expected \(expected.count)" }
        var worst: (index: Int, excess: Float)?
        for i in actual.indices {
            let a = actual[i], e = expected[i]
            if a.isNaN && e.isNaN { continue }
            let excess = abs(a - e) - (atol + rtol * abs(e))
            if !(excess <= 0), excess > worst?.excess ?? -1 || excess.isNaN { worst = (i, excess.isNaN ? .infinity : excess) }
        }
        guard let w = worst else { return nil }
        return "element \(w.index): \(actual[w.index]) vs expected \(expected[w.index])"
    }

    /// Index of the largest value in each row of a `[rows, columns]` tensor.
    static func top1(_ t: Tensor) -> [Int] {
        let values = t.floats
        let columns = t.shape[t.shape.rank - 1]
        return stride(from: 0, to: values.count, by: columns).map { start in
            let row = values[start..<start + columns]
            return row.indices.max { row[$0] < row[$1] }.map { $0 - start } ?? 0
        }
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
