import Foundation
import Testing
import Zoo
import ZooGraph
import ZooTensor
import ZooTestSupport

@Suite struct CLITests {
    @Test func infoSummarisesABuiltInModel() throws {
        let r = try ZooExecutable.run(["info", "tiny-cnn"])
        #expect(r.status == 0, "\(r.stderr)")
        // Counted before batch-norm folding, moving statistics left out as PyTorch does for non-Keras files.
        let graph = try Zoo.loadGraph("tiny-cnn", options: LoadOptions(optimize: false))
        let digits = String(graph.sourceParameterCount(countsRunningStatistics: false))
        let withCommas = digits.enumerated().map { i, c in (i > 0 && (digits.count - i) % 3 == 0 ? "," : "") + String(c) }.joined()
        #expect(r.stdout.contains("Parameters: \(withCommas)"), "\(r.stdout)")
        #expect(r.stdout.contains("predictions"))
        #expect(r.stdout.contains("[1,10]"))
        // conv1: 3x3, stride 2, one pixel of padding at the bottom and right; receptive field 3x3.
        #expect(r.stdout.contains("3x3      (32 + 1 - 3)/2 + 1 = 16"), "\(r.stdout)")
        // BN folded and ReLU fused: no BatchNorm row in the optimised graph, but there is one without optimisation.
        #expect(!r.stdout.contains("BatchNorm"))
        #expect(try ZooExecutable.run(["info", "tiny-cnn", "--no-optimize"]).stdout.contains("BatchNorm"))
    }

    @Test func inferWritesTheModelsOutput() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var f = TensorFactory(seed: 9)
        let x = f.uniform([2, 32, 32, 3])
        // Inputs saved as float64, as numpy does by default, are accepted.
        try NPY.write(x.converted(to: .float64), to: dir.appendingPathComponent("x.npy"))
        let r = try ZooExecutable.run(["infer", "--model", "tiny-cnn", "--input", dir.appendingPathComponent("x.npy").path,
                                   "-o", dir.appendingPathComponent("y.npy").path])
        #expect(r.status == 0, "\(r.stderr)")
        let y = try NPY.read(contentsOf: dir.appendingPathComponent("y.npy"))
        #expect(y.shape == [2, 10])
        let expected = try runGraph(Zoo.loadGraph("tiny-cnn"), x)
        #expect(y.floats == expected.floats)
        let rowSum = y.floats[0..<10].reduce(0, +)
        #expect(abs(rowSum - 1) < 1e-5, "softmax output sums to 1")
    }

    @Test func helpIsNotAnError() throws {
        for args in [["--help"], ["info", "--help"], ["predict", "-h"]] {
            let r = try ZooExecutable.run(args)
            #expect(r.status == 0 && r.stderr.isEmpty && r.stdout.contains("USAGE: zoo"), "\(args): \(r.status) \(r.stderr)")
        }
    }

    @Test func convertReplacesAnExistingFile() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("m.zoo").path
        for round in 0..<2 {
            let r = try ZooExecutable.run(["convert", "tiny-cnn", "-o", out])
            #expect(r.status == 0, "round \(round): \(r.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["m.zoo"], "no temporary file left")
        #expect(try ZooExecutable.run(["info", out]).status == 0)
    }

    @Test func badArgumentsAreUsageErrors() throws {
        expectOneErrorLine(try ZooExecutable.run(["--bogus"]), status: 2, containing: "--bogus", "unknown flag")
        expectOneErrorLine(try ZooExecutable.run(["infer", "--model", "tiny-cnn"]), status: 2, containing: "--input", "no input")
        expectOneErrorLine(try ZooExecutable.run(["info", "tiny-cnn", "--batch", "0"]), status: 2, containing: "--batch", "batch 0")
        expectOneErrorLine(try ZooExecutable.run(["frobnicate"]), status: 2, containing: "frobnicate", "unknown command")
    }

    @Test func badFilesAreErrorsAndLeaveNoOutput() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("y.npy")
        let x = dir.appendingPathComponent("x.npy")
        try NPY.write(Tensor(zeros: [1, 3, 32, 32]), to: x)
        let garbage = dir.appendingPathComponent("garbage.npy")
        try Data("hello".utf8).write(to: garbage)

        expectOneErrorLine(try ZooExecutable.run(["info", "no-such-model"]), status: 1, containing: "no-such-model", "unknown model")
        expectOneErrorLine(try ZooExecutable.run(["info", dir.path]), status: 1, containing: "folder", "folder as model")
        expectOneErrorLine(try ZooExecutable.run(["infer", "--model", "tiny-cnn", "--input", dir.appendingPathComponent("missing.npy").path, "-o", out.path]),
                           status: 1, containing: "missing.npy: no such file", "missing input")
        expectOneErrorLine(try ZooExecutable.run(["infer", "--model", "tiny-cnn", "--input", garbage.path, "-o", out.path]),
                           status: 1, containing: "garbage.npy: not a .npy file", "garbage input")
        expectOneErrorLine(try ZooExecutable.run(["infer", "--model", "tiny-cnn", "--input", x.path, "-o", out.path]),
                           status: 1, containing: "expected shape [1,32,32,3]", "NCHW given to an NHWC model")
        expectOneErrorLine(try ZooExecutable.run(["infer", "--model", "tiny-cnn", "--input", x.path, "-o", "/nonexistent/dir/y.npy"]),
                           status: 1, containing: "does not exist", "output folder missing")
        #expect(!FileManager.default.fileExists(atPath: out.path), "no half-written output")
    }
}
