import Foundation
import Testing
import ZooTensor
import ZooTestSupport

/// `zoo infer` on ONNX files whose inputs do not fit the graph as declared: another image size
/// (a network ending in a mean over H and W) and a Reshape's target shape fed as an int64 .npy,
/// the way onnxruntime takes every input at run time.
@Suite struct InferRuntimeInputsTests {
    static let onnxFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ZooONNXTests/Fixtures")

    @Test func otherImageSize() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = Self.onnxFixtures.appendingPathComponent("same_padding_op18.onnx").path
        let out = dir.appendingPathComponent("y.npy")
        for (size, batch) in [(17, 2), (23, 1)] {
            try NPY.write(Tensor(zeros: [batch, 3, size, size]), to: dir.appendingPathComponent("x.npy"))
            let r = try ZooExecutable.run(["infer", "--model", model, "--input", dir.appendingPathComponent("x.npy").path, "-o", out.path])
            #expect(r.status == 0, "\(size)x\(size): \(r.stderr)")
            #expect(try NPY.read(contentsOf: out).shape == [batch, 5])
        }
    }

    @Test func shapeInputFedAsNPY() throws {
        let model = "/usr/share/libonnx-testdata/data/node/test_reshape_reordered_all_dims/model.onnx"
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let data = Tensor(shape: [2, 3, 4], floats: (0..<24).map(Float.init))
        try NPY.write(data, to: dir.appendingPathComponent("data.npy"))
        try NPY.write(Tensor(shape: [3], int64s: [3, 8, 1]), to: dir.appendingPathComponent("shape.npy"))
        let out = dir.appendingPathComponent("y.npy")
        let r = try ZooExecutable.run(["infer", "--model", model, "--input", "data=" + dir.appendingPathComponent("data.npy").path,
                                   "--input", "shape=" + dir.appendingPathComponent("shape.npy").path, "-o", out.path])
        #expect(r.status == 0, "\(r.stderr)")
        let y = try NPY.read(contentsOf: out)
        #expect(y.shape == [3, 8, 1])
        #expect(y.floats == data.floats)
    }
}
