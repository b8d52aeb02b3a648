import Foundation
import Testing
import ZooGraph
import ZooImport
import ZooONNX
import ZooTensor

/// ONNX's own node tests (Debian's libonnx-testdata, ONNX 1.12, opsets up to 17): every
/// float32 test whose operators the importer supports is imported, run on each of its data
/// sets, and compared within 1e-5 relative / 1e-4 absolute.
///
/// Each test runs two ways, and the suite prints both counts side by side:
/// - folded: its first input is the graph input fed at run time (declared exactly as the file
///   says, NCHW for 4-D); every other input (weights, shapes, pads, axes, bounds) is given to
///   the importer as a known value, the way real models hold them as initializers. A test
///   whose operators are all evaluated at import time (Shape, Gather, Cast, Slice, Constant,
///   ConstantOfShape, Range) gets all its inputs as known values.
/// - runtime-fed: the file as it is, every input fed at run time, the way onnxruntime's
///   backend tests run them and `zoo infer` runs a model (import, optimize, execute); inputs
///   an op needs as values go through the executor's specialized plans.
/// Outputs are compared as floats.
@Suite struct ONNXNodeTests {
    static var root: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["ZOO_ONNX_NODE_TESTS"]
            ?? "/usr/share/libonnx-testdata/data/node")
    }

    /// Operators only evaluated at import time.
    static let foldedOperators: Set<String> = ["Shape", "Gather", "Cast", "Slice", "Constant", "ConstantOfShape", "Range"]

    /// Float32 tests of supported operators that are deliberately not run, and why.
    static let excluded: [String: String] = [
        "test_averagepool_1d_default": "1-D pooling (3-D input): only 2-D pooling is supported",
        "test_averagepool_3d_default": "3-D pooling (5-D input): only 2-D pooling is supported",
        "test_maxpool_1d_default": "1-D pooling (3-D input): only 2-D pooling is supported",
        "test_maxpool_3d_default": "3-D pooling (5-D input): only 2-D pooling is supported",
        "test_batchnorm_epsilon_training_mode": "training mode (batch statistics, running-mean outputs)",
        "test_batchnorm_example_training_mode": "training mode (batch statistics, running-mean outputs)",
        "test_training_dropout": "training mode (random mask)",
        "test_training_dropout_default": "training mode (random mask)",
        "test_training_dropout_zero_ratio": "training mode",
        "test_matmul_3d": "batched MatMul (3-D B): only a 2-D B is supported",
        "test_matmul_4d": "batched MatMul (4-D B): only a 2-D B is supported",
        "test_gather_0": "Gather of a run-time tensor: Gather is only folded on values known at import time",
        "test_gather_1": "Gather of a run-time tensor: Gather is only folded on values known at import time",
        "test_gather_2d_indices": "Gather of a run-time tensor: Gather is only folded on values known at import time",
        "test_gather_negative_indices": "Gather of a run-time tensor: Gather is only folded on values known at import time",
        "test_reshape_allowzero_reordered": "empty tensor (a 0 dimension with allowzero = 1)",
        "test_cast_FLOAT_to_BFLOAT16": "BFLOAT16 output: the graph computes float32 only",
        "test_cast_BFLOAT16_to_FLOAT": "the test data stores the BFLOAT16 input as UINT16 bit patterns (numpy has no bfloat16)",
        "test_castlike_BFLOAT16_to_FLOAT_expanded": "the test data stores the BFLOAT16 input as UINT16 bit patterns (numpy has no bfloat16)",
        "test_cast_FLOAT_to_STRING": "STRING tensors",
        "test_cast_STRING_to_FLOAT": "STRING tensors",
        "test_castlike_FLOAT_to_BFLOAT16_expanded": "BFLOAT16 output: the graph computes float32 only",
        "test_castlike_FLOAT_to_STRING_expanded": "STRING tensors",
        "test_castlike_STRING_to_FLOAT_expanded": "STRING tensors",
    ]

    /// Which tests run, and how. Tests of unsupported operators are not counted at all;
    /// non-float tests of supported operators (uint8/int8 arithmetic, sequences, optional
    /// values, bool masks, argmax indices) are outside what a float32 graph computes.
    enum Selection { case run(foldAll: Bool), excluded(String), notApplicable }

    static func select(_ name: String, _ model: ONNXModel) -> Selection {
        guard let graph = model.graph else { return .notApplicable }
        let ops = Set(graph.nodes.map(\.opType))
        guard ops.isSubset(of: ONNXImporter.supportedOperators) else { return .notApplicable }
        let initialized = Set(graph.initializers.map(\.name))
        let inputs = graph.inputs.filter { !initialized.contains($0.name) }
        let foldAll = ops.isSubset(of: foldedOperators)
        let numeric: Set<ONNXDataType> = [.float, .double, .float16, .int64, .int32, .bfloat16]
        let typesFit = foldAll
            ? (inputs + graph.outputs).allSatisfy { $0.elementType.map(numeric.contains) ?? false }
            : graph.outputs.allSatisfy { $0.elementType == .float } && (inputs.first.map { $0.elementType == .float } ?? true)
        if let reason = excluded[name] { return .excluded(reason) }
        return typesFit ? .run(foldAll: foldAll) : .notApplicable
    }

    @Test func nodeTests() throws {
        let dirs = try FileManager.default.contentsOfDirectory(at: Self.root, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasPrefix("test_") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        var ran = 0, passed = 0, excludedCount = 0, passedFed = 0
        var failures: [String] = [], fedFailures: [String] = []
        for dir in dirs {
            let name = dir.lastPathComponent
            let modelURL = dir.appendingPathComponent("model.onnx")
            guard let bytes = try? Data(contentsOf: modelURL),
                  let model = try? bytes.withUnsafeBytes({ try ONNXModel.parse($0) }) else { continue }
            switch Self.select(name, model) {
            case .notApplicable: continue
            case .excluded: excludedCount += 1; continue
            case .run(let foldAll):
                ran += 1
                do {
                    try Self.run(dir, model, foldAll: foldAll)
                    passed += 1
                } catch {
                    failures.append("\(name): \(error)")
                }
                do {
                    try Self.runFed(dir, model)
                    passedFed += 1
                } catch {
                    fedFailures.append("\(name): \(error)")
                }
            }
        }
        print("ONNX node tests (\(ran) CNN-relevant float32 tests, \(excludedCount) more excluded on purpose): "
              + "folded \(passed) of \(ran) passed; runtime-fed \(passedFed) of \(ran) passed")
        for f in failures { print("  FAILED (folded) \(f)") }
        for f in fedFailures { print("  FAILED (runtime-fed) \(f)") }
        #expect(ran > 0, "no node test ran (is libonnx-testdata installed at \(Self.root.path)?)")
        #expect(failures.isEmpty, "\(failures.count) node tests failed:\n\(failures.joined(separator: "\n"))")
        // Every input fed at run time, as onnxruntime's backend tests run them: at least 95%.
        #expect(passedFed * 100 >= ran * 95, "runtime-fed: only \(passedFed) of \(ran) passed")
    }

    /// Runs a test the way onnxruntime's backend tests do and `zoo infer` runs a model: the
    /// file imported and optimized as it is, every input (weights, shapes, axes, bounds too)
    /// fed at run time, one executor for all data sets.
    static func runFed(_ dir: URL, _ model: ONNXModel) throws {
        guard let graphProto = model.graph else { return }
        let initialized = Set(graphProto.initializers.map(\.name))
        let inputNames = graphProto.inputs.map(\.name).filter { !initialized.contains($0) }
        let graph = GraphOptimizer.optimize(try ONNXImporter.importGraph(from: dir.appendingPathComponent("model.onnx")))
        let executor = Executor(graph: graph, threads: 2)
        for set in try dataSets(dir) {
            var feed: [String: Tensor] = [:]
            for (i, name) in inputNames.enumerated() {
                feed[name] = try ONNXImporter.readTensor(from: set.appendingPathComponent("input_\(i).pb"))
            }
            let outputs = try executor.run(feed)
            try compare(outputs, graphProto, set)
        }
    }

    static func dataSets(_ dir: URL) throws -> [URL] {
        let sets = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.lastPathComponent.hasPrefix("test_data_set_") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !sets.isEmpty else { throw TestFailure("no test data sets") }
        return sets
    }

    static func compare(_ outputs: [String: Tensor], _ graphProto: ONNXGraph, _ set: URL) throws {
        for (i, info) in graphProto.outputs.enumerated() {
            let expected = try ONNXImporter.readTensor(from: set.appendingPathComponent("output_\(i).pb"))
            guard let actual = outputs[info.name] else { throw TestFailure("output '\(info.name)' missing") }
            guard actual.shape == expected.shape else {
                throw TestFailure("\(set.lastPathComponent) output '\(info.name)': shape \(actual.shape), expected \(expected.shape)")
            }
            if let problem = ONNXTestSupport.mismatch(actual.floats, expected.floats) {
                throw TestFailure("\(set.lastPathComponent) output '\(info.name)': \(problem)")
            }
        }
    }

    /// Imports and runs one test on each of its data sets, inputs after the first as constants.
    static func run(_ dir: URL, _ model: ONNXModel, foldAll: Bool) throws {
        guard let graphProto = model.graph else { return }
        let initialized = Set(graphProto.initializers.map(\.name))
        let inputNames = graphProto.inputs.map(\.name).filter { !initialized.contains($0) }
        for set in try dataSets(dir) {
            let inputs = try inputNames.indices.map { try ONNXImporter.readTensor(from: set.appendingPathComponent("input_\($0).pb")) }
            let fed = foldAll ? 0 : min(1, inputs.count)
            var known: [String: Tensor] = [:]
            for i in fed..<inputs.count { known[inputNames[i]] = inputs[i] }
            let graph = try ONNXImporter.importGraph(from: dir.appendingPathComponent("model.onnx"), constantInputs: known)
            var feed: [String: Tensor] = [:]
            for i in 0..<fed { feed[inputNames[i]] = inputs[i] }
            try compare(try Executor(graph: graph, threads: 2).run(feed), graphProto, set)
        }
    }
}
