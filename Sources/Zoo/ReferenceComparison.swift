import Foundation
import ZooGraph
import ZooKernels
import ZooTensor

/// How a model's outputs compare with outputs the user produced in the source framework.
public struct ReferenceComparison: Sendable {
    /// Relative L2 distance between zoo's outputs and the reference: `|zoo - ref| / |ref|`.
    public var relativeL2: Double
    /// The largest absolute difference of any output element.
    public var maxAbsError: Double
    /// Rows (images) whose arg-max agrees, and how many rows there are.
    public var top1Agreement: Int
    /// Number of output rows (images) compared.
    public var rows: Int

    /// The correctness bar of DESIGN.md: relative L2 at most 1e-4 (float32 weights) and the same
    /// top-1 on every row. float16 weights get `ModelConverter.fp16Tolerance` instead, bf16
    /// weights `ModelConverter.bf16Tolerance`.
    public static let tolerance = 1e-4

    /// Why these outputs fail a relative L2 of `limit` (or top-1 on some row), or nil when they
    /// pass; `convert --reference` exits 1 on it, with the tolerance of the file's weights.
    public func beyondTolerance(_ limit: Double) -> String? {
        guard relativeL2 > limit || top1Agreement < rows else { return nil }
        return "relative L2 \(String(format: "%.3g", relativeL2)) against the reference (tolerance \(limit)), "
            + "top-1 agreement \(top1Agreement)/\(rows)"
    }

    /// Runs `graph` on `input` (.npy) and compares with `expected` (.npy), for a model with one
    /// input and one output.
    public static func compare(_ graph: Graph, input: URL, expected: URL, kernels: KernelOptions = .default) throws -> ReferenceComparison {
        guard graph.inputs.count == 1, graph.outputs.count == 1 else {
            throw ZooError.badArgument("--reference needs a model with one input and one output")
        }
        let x = try NPY.read(contentsOf: input).converted(to: .float32)
        let y = try NPY.read(contentsOf: expected).converted(to: .float32)
        let out = try Executor(graph: graph, kernels: kernels).run([graph.values[graph.inputs[0]].name: x])[graph.outputs[0].name]!
        guard out.shape == y.shape else {
            throw ZooError.badArgument("\(expected.lastPathComponent): shape \(y.shape), but the model outputs \(out.shape)")
        }
        let (a, b) = (out.floats, y.floats)
        let maxAbs = zip(a, b).reduce(0.0) { max($0, abs(Double($1.0) - Double($1.1))) }
        let rows = out.shape.rank > 0 ? out.shape[0] : 1
        let width = rows > 0 ? a.count / rows : 0
        var agree = 0
        for r in 0..<rows where width > 0 {
            let slice = r * width..<(r + 1) * width
            if argmax(a[slice]) == argmax(b[slice]) { agree += 1 }
        }
        return ReferenceComparison(relativeL2: relativeL2Error(a, b), maxAbsError: maxAbs, top1Agreement: agree, rows: rows)
    }
}

private func argmax(_ values: ArraySlice<Float>) -> Int {
    var best = values.startIndex
    for i in values.indices where values[i] > values[best] { best = i }
    return best - values.startIndex
}
