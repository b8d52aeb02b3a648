import Foundation
import Testing
import Zoo
import ZooGraph
import ZooTensor
import ZooTestSupport

/// `zoo infer` on inputs of another height and width than the model declares: networks that end
/// in global pooling run (Keras files, their `.zoo` conversions, built-in models); others, and
/// inputs too small for the network, get one error line saying why.
@Suite struct AnyInputSizeCommandTests {
    static let kerasFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ZooKerasTests/Fixtures")

    /// The input tools/keras/make_any_size_references.py ran Keras on: sin(0.37 i + 0.11).
    static func input(_ shape: [Int]) -> Tensor {
        Tensor(shape: Shape(shape), floats: (0..<shape.reduce(1, *)).map { Float(sin(0.37 * Double($0) + 0.11)) })
    }

    /// Keras' output for the residual fixture at `size` (raw little-endian float32).
    static func reference(_ size: String) throws -> [Float] {
        let data = try Data(contentsOf: kerasFixtures.appendingPathComponent("any_size/residual_k3_\(size).output.bin"))
        return data.withUnsafeBytes { raw in (0..<data.count / 4).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) } }
    }

    func infer(_ model: String, _ x: Tensor, in dir: URL) throws -> (ZooRun, Tensor?) {
        let input = dir.appendingPathComponent("x.npy"), output = dir.appendingPathComponent("y.npy")
        try? FileManager.default.removeItem(at: output)
        try NPY.write(x, to: input)
        let r = try ZooExecutable.run(["infer", "--model", model, "--input", input.path, "-o", output.path])
        return (r, r.status == 0 ? try NPY.read(contentsOf: output) : nil)
    }

    @Test func kerasFileAndItsConversionMatchKerasAtOtherSizes() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let keras = Self.kerasFixtures.appendingPathComponent("residual_k3.keras").path
        let converted = dir.appendingPathComponent("residual.zoo").path
        let c = try ZooExecutable.run(["convert", keras, "-o", converted])
        #expect(c.status == 0, "\(c.stderr)")
        for model in [keras, converted] {
            for (size, shape) in [("17x23", [2, 17, 23, 3]), ("9x30", [2, 9, 30, 3])] {
                let (r, y) = try infer(model, Self.input(shape), in: dir)
                #expect(r.status == 0, "\(model) at \(size): \(r.stderr)")
                let error = relativeL2(y?.floats ?? [], try Self.reference(size))
                #expect(error <= 1e-4, "\(model) at \(size): relative L2 \(error)")
            }
        }
    }

    @Test func builtInModelRunsAtAnotherSize() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var f = TensorFactory(seed: 11)
        let x = f.uniform([2, 45, 37, 3])
        let (r, y) = try infer("tiny-cnn", x, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(y?.shape == [2, 10])
        let expected = try runGraph(Zoo.loadGraph("tiny-cnn").acceptingAnyInputSize(model: "tiny-cnn"), x)
        #expect(y?.floats == expected.floats)
    }

    @Test func flattenIntoDenseAndTooSmallInputsAreOneErrorLine() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let sequential = Self.kerasFixtures.appendingPathComponent("sequential_k3.keras").path
        let (r, _) = try infer(sequential, Tensor(zeros: [1, 11, 10, 3]), in: dir)
        expectOneErrorLine(r, status: 1,
                           containing: "sequential_k3.keras takes 10x10 inputs only: its Flatten ('flatten') feeds a Dense layer",
                           "Flatten -> Dense at another size")
        let (small, _) = try infer("tiny-cnn", Tensor(zeros: [1, 1, 1, 3]), in: dir)
        expectOneErrorLine(small, status: 1, containing: "tiny-cnn: a 1x1 input is too small for this network", "1x1 input")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("y.npy").path))
    }

    /// Each size's plan is checked against the memory budget like another batch size.
    @Test func aLargeSizeIsCheckedAgainstTheMemoryBudget() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("x.npy"), output = dir.appendingPathComponent("y.npy")
        try NPY.write(Tensor(zeros: [1, 300, 300, 3]), to: input)
        let r = try ZooExecutable.run(["infer", "--model", "tiny-cnn", "--input", input.path, "-o", output.path, "--max-memory", "4M"])
        expectOneErrorLine(r, status: 1, containing: "running this model at batch 1 needs", "300x300 under a 4 MB budget")
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}
