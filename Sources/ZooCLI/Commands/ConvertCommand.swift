import ArgumentParser
import Foundation
import Zoo
import ZooKernels

/// `zoo convert`: any supported model to the native `.zoo` format, checked after writing.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a model to the memory-mapped .zoo format and check the result.",
        discussion: """
            After writing, the converted file is loaded and run beside the source on a probe input:
            float32 must be bit-identical; --fp16 is reported, warned about above \(ModelConverter.fp16Tolerance) relative L2 \
            and refused above \(ModelConverter.fp16Limit); --bf16 is run at bf16 precision, warned about above \
            \(ModelConverter.bf16Tolerance) and refused above \(ModelConverter.bf16Limit). \
            --reference X Y also compares the converted model's output on X with Y, outputs you \
            produced in the source framework.
            """)

    @Argument(help: "The source model: a file (.onnx, .h5, .keras, .zoo) or a zoo model name.")
    var source: String

    @Option(name: .long, help: "Architecture of a weights-only file.")
    var arch: String?

    @Flag(name: .long, help: "Store weights as float16 (half the size; widened at load).")
    var fp16 = false

    @Flag(name: .long, help: "Store conv and dense weights as bf16, packed as the bf16 kernels read them (half the size; read in place at --precision bf16).")
    var bf16 = false

    @Option(name: .shortAndLong, help: "The .zoo file to write.")
    var output: String

    @Option(name: .long, parsing: .upToNextOption, help: "INPUT.npy OUTPUT.npy from the source framework to compare against.")
    var reference: [String] = []

    func validate() throws {
        guard output.hasSuffix(".zoo") else { throw ValidationError("-o must name a .zoo file, got \(output)") }
        guard !(fp16 && bf16) else { throw ValidationError("--fp16 and --bf16 exclude each other: pick one") }
        guard reference.isEmpty || reference.count == 2 else { throw ValidationError("--reference takes two files: INPUT.npy OUTPUT.npy") }
    }

    func run() throws {
        let out = URL(fileURLWithPath: output)
        try OutputFile.check(output, inputs: [source] + reference, kind: .other)
        let ref = reference.count == 2 ? (URL(fileURLWithPath: reference[0]), URL(fileURLWithPath: reference[1])) : nil
        let report = try ModelConverter.convert(source, architecture: arch, to: out, fp16: fp16, bf16: bf16, reference: ref)
        let storage = fp16 ? " (float16 weights)" : bf16 ? " (bf16 packed weights)" : ""
        print("Wrote \(output): \(grouped(report.parameterCount)) parameters, \(grouped(report.fileBytes)) bytes\(storage)")
        if report.probeBitIdentical {
            print("Check: outputs bit-identical to the source on a probe input")
        } else {
            let run = bf16 ? " (run at \(KernelOptions.isAvailable(KernelOptions.Precision.bf16) ? "bf16" : "fp32") precision)" : ""
            print("Check: relative L2 \(String(format: "%.3g", report.probeRelativeL2)) against the source on a probe input\(run), top-1 \(report.probeSameTop1 ? "unchanged" : "CHANGED")")
        }
        if report.exceedsBF16Tolerance {
            FileHandle.standardError.write(Data("zoo: warning: bf16 weights move the outputs by more than \(ModelConverter.bf16Tolerance) relative L2; compare on your own data with --reference\n".utf8))
        }
        if report.exceedsFP16Tolerance {
            FileHandle.standardError.write(Data("zoo: warning: float16 weights move the outputs by more than \(ModelConverter.fp16Tolerance) relative L2; compare on your own data with --reference\n".utf8))
        }
        if let r = report.reference {
            print("Reference: relative L2 \(String(format: "%.3g", r.relativeL2)), max abs error \(String(format: "%.3g", r.maxAbsError)), top-1 agreement \(r.top1Agreement)/\(r.rows)")
        }
    }
}
