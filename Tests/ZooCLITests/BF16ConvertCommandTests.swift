import Foundation
import Testing
import ZooKernels
import ZooTensor
import ZooTestSupport

/// `zoo convert --bf16`: the file it writes is named bf16 by `zoo info`, and runs at both precisions
/// (fp32 with one note that it computes from bf16 weights).
@Suite struct BF16ConvertCommandTests {
    @Test func convertedFileRunsAtBothPrecisions() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (fp32File, bf16File) = (dir.appendingPathComponent("m.zoo").path, dir.appendingPathComponent("m-bf16.zoo").path)
        #expect(try ZooExecutable.run(["convert", "tiny-cnn", "-o", fp32File]).status == 0)
        let convert = try ZooExecutable.run(["convert", "tiny-cnn", "--bf16", "-o", bf16File])
        #expect(convert.status == 0, "\(convert.stderr)")
        #expect(convert.stdout.contains("(bf16 packed weights)") && convert.stdout.contains("Check: relative L2"), "\(convert.stdout)")

        // tiny-cnn's layers are too small for panels to pay: its weights are bf16 row-major.
        let info = try ZooExecutable.run(["info", bf16File])
        #expect(info.status == 0 && info.stdout.contains("Weights: bf16 (zoo convert --bf16"), "\(info.stdout)\(info.stderr)")
        #expect(!(try ZooExecutable.run(["info", fp32File])).stdout.contains("Weights: bf16"))

        var f = TensorFactory(seed: 31)
        let x = dir.appendingPathComponent("x.npy")
        try NPY.write(f.uniform([2, 32, 32, 3]), to: x)
        func infer(_ model: String, _ precision: String, environment: [String: String] = [:]) throws -> (floats: [Float], stderr: String) {
            let y = dir.appendingPathComponent("y.npy")
            let r = try ZooExecutable.run(["infer", "--model", model, "--precision", precision, "--input", x.path, "-o", y.path],
                                          environment: environment)
            #expect(r.status == 0, "\(model) \(precision): \(r.stderr)")
            return (try NPY.read(contentsOf: y).floats, r.stderr)
        }
        let reference = try infer(fp32File, "fp32").floats
        let atBF16 = try infer(bf16File, "bf16")
        let atFP32 = try infer(bf16File, "fp32")
        if CPUFeatures.avx512BF16 {
            #expect(atBF16.stderr.isEmpty, "\(atBF16.stderr)")
            // With AVX512-BF16 (no AMX) 3x3 layers stay fp32 Winograd, which computes from the fp32 file's
            // unrounded weights; with Winograd off every layer multiplies bf16 weights on either unit.
            let im2col = ["ZOO_WINOGRAD": "0"]
            #expect(try infer(bf16File, "bf16", environment: im2col).floats == (try infer(fp32File, "bf16", environment: im2col)).floats,
                    "the file's panels give the bits of weights packed at load")
        }
        #expect(atFP32.stderr.split(separator: "\n").count == 1 && atFP32.stderr.contains("holds bf16 weights"), "\(atFP32.stderr)")
        for precision in ["fp32", "bf16"] {
            let r = try ZooExecutable.run(["predict", "--model", bf16File, "--precision", precision, "--top", "3", SampleImages.url("cat.jpg").path])
            #expect(r.status == 0 && r.stdout.contains("class_"), "predict at \(precision): \(r.stdout)\(r.stderr)")
        }
        for (name, y) in [("bf16", atBF16.floats), ("fp32", atFP32.floats)] {
            #expect(y.count == 20 && relativeL2(y, reference) < 2e-2, "\(name): \(relativeL2(y, reference))")
        }
    }

    @Test func fp16AndBF16ExcludeEachOther() throws {
        let r = try ZooExecutable.run(["convert", "tiny-cnn", "--fp16", "--bf16", "-o", "/tmp/never-written.zoo"])
        #expect(r.status == 2 && r.stderr.contains("--fp16 and --bf16"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written.zoo"))
    }
}
