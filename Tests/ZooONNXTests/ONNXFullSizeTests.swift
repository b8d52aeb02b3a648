import Foundation
import Testing
import ZooGraph
import ZooImport
import ZooTensor
import ZooTestSupport

/// Full-size torchvision models exported by tools/onnx/check_fullsize.py (run by hand): each
/// `<name>.onnx` in `ZOO_ONNX_FULLSIZE_DIR` with its `<name>_input.pb` and onnxruntime's
/// `<name>_output.pb`. Prints the relative L2 error and whether the top-1 class matches.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ZOO_ONNX_FULLSIZE_DIR"] != nil))
struct ONNXFullSizeTests {
    @Test func fullSize() throws {
        let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["ZOO_ONNX_FULLSIZE_DIR"] ?? "")
        let models = try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "onnx" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        #expect(!models.isEmpty, "no .onnx files in \(dir.path)")
        for url in models {
            let name = url.deletingPathExtension().lastPathComponent
            let graph = try ONNXImporter.importGraph(from: url)
            let x = try ONNXImporter.readTensor(from: dir.appendingPathComponent(name + "_input.pb"))
            let expected = try ONNXImporter.readTensor(from: dir.appendingPathComponent(name + "_output.pb"))
            for (label, g) in [("imported", graph), ("optimised", GraphOptimizer.optimize(graph))] {
                let start = Date()
                let y = try ONNXTestSupport.runSingle(g, input: g.values[g.inputs[0]].name, x)
                let seconds = Date().timeIntervalSince(start)
                let error = relativeL2(y.floats, expected.floats)
                let sameTop1 = ONNXTestSupport.top1(y) == ONNXTestSupport.top1(expected)
                print("\(name) (\(label)): relative L2 \(error), top-1 \(sameTop1 ? "same" : "DIFFERENT"), \(String(format: "%.2f", seconds)) s")
                #expect(error <= 1e-4 && sameTop1, "\(name) (\(label)): relative L2 \(error), same top-1: \(sameTop1)")
            }
        }
    }
}
