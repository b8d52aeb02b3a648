import Foundation
import Testing
import ZooGraph
import ZooKernels
import ZooTensor
import ZooTestSupport

/// `--precision` on the commands that run a model: bf16 runs where the CPU has a bf16 unit, and
/// elsewhere runs fp32 with one line on stderr saying so.
extension CLITests {
    /// What stderr must hold after asking for bf16: nothing on a CPU with a bf16 unit, one note otherwise.
    private func expectBF16Note(_ stderr: String, _ command: String) {
        if CPUFeatures.avx512BF16 {
            #expect(stderr.isEmpty, "\(command): \(stderr)")
        } else {
            #expect(stderr.split(separator: "\n").count == 1 && stderr.contains("running fp32"), "\(command): \(stderr)")
        }
    }

    @Test func benchAtBF16NamesTheUnit() throws {
        let r = try ZooExecutable.run(["bench", "tiny-cnn", "--runs", "1", "--warmup", "0", "--precision", "bf16", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let gemm = json["gemm"] as? String ?? ""
        let expected = CPUFeatures.amxBF16 ? "AMX-BF16" : CPUFeatures.avx512BF16 ? "AVX512-BF16" : ""
        #expect(expected.isEmpty ? !gemm.contains("BF16") : gemm.contains(expected), "\(gemm)")
        expectBF16Note(r.stderr, "bench")
    }

    @Test func inferTakesThePrecision() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var f = TensorFactory(seed: 21)
        try NPY.write(f.uniform([2, 32, 32, 3]), to: dir.appendingPathComponent("x.npy"))
        var outputs: [[Float]] = []
        for precision in ["fp32", "bf16"] {
            let y = dir.appendingPathComponent("y-\(precision).npy")
            let r = try ZooExecutable.run(["infer", "--model", "tiny-cnn", "--precision", precision,
                                       "--input", dir.appendingPathComponent("x.npy").path, "-o", y.path])
            #expect(r.status == 0, "\(precision): \(r.stderr)")
            if precision == "bf16" { expectBF16Note(r.stderr, "infer") } else { #expect(r.stderr.isEmpty, "\(r.stderr)") }
            outputs.append(try NPY.read(contentsOf: y).floats)
        }
        let (exact, rounded) = (outputs[0], outputs[1])
        #expect(exact.count == 20 && rounded.count == 20)
        #expect(zip(exact, rounded).allSatisfy { abs($0 - $1) < 2e-2 }, "bf16 \(rounded) vs fp32 \(exact)")
        #expect(exact != rounded || !CPUFeatures.avx512BF16, "bf16 ran in bf16")
        let bad = try ZooExecutable.run(["predict", "--model", "tiny-cnn", "--precision", "fp8"])
        #expect(bad.status != 0 && bad.stderr.contains("fp8"), "\(bad.stderr)")
    }
}
