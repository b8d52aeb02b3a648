import ArgumentParser
import Foundation
import Zoo

/// `zoo convert`: any supported model to the native `.zoo` format, checked after writing.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a model to the memory-mapped .zoo format and check the result.",
        discussion: """
            After writing, the converted file is loaded and run beside the source on a probe input:
            float32 must be bit-identical; --fp16 is reported, warned about above \(ModelConverter.fp16Tolerance) relative L2 \
            and refused above \(ModelConverter.fp16Limit). \
            --reference X Y also compares the converted model's output on X with Y, outputs you \
            produced in the source framework.
            """)

    @Argument(help: "The source model: a file (.onnx, .h5, .keras, .zoo) or a zoo model name.")
    var source: String

    @Option(name: .long, help: "Architecture of a weights-only file.")
    var arch: String?

    @Flag(name: .long, help: "Store weights as float16 (half the size; widened at load).")
    var fp16 = false

    @Option(name: .shortAndLong, help: "The .zoo file to write.")
    var output: String

    @Option(name: .long, parsing: .upToNextOption, help: "INPUT.npy OUTPUT.npy from the source framework to compare against.")
    var reference: [String] = []

    func validate() throws {
        guard output.hasSuffix(".zoo") else { throw ValidationError("-o must name a .zoo file, got \(output)") }
        guard reference.isEmpty || reference.count == 2 else { throw ValidationError("--reference takes two files: INPUT.npy OUTPUT.npy") }
    }

    func run() throws {
        let out = URL(fileURLWithPath: output)
        try OutputFile.check(output, inputs: [source] + reference, kind: .other)
        let ref = reference.count == 2 ? (URL(fileURLWithPath: reference[0]), URL(fileURLWithPath: reference[1])) : nil
        let report = try ModelConverter.convert(source, architecture: arch, to: out, fp16: fp16, reference: ref)
        print("Wrote \(output): \(grouped(report.parameterCount)) parameters, \(grouped(report.fileBytes)) bytes\(fp16 ? " (float16 weights)" : "")")
        if report.probeBitIdentical {
            print("Check: outputs bit-identical to the source on a probe input")
        } else {
            print("Check: relative L2 \(String(format: "%.3g", report.probeRelativeL2)) against the source on a probe input, top-1 \(report.probeSameTop1 ? "unchanged" : "CHANGED")")
        }
        if report.exceedsFP16Tolerance {
            FileHandle.standardError.write(Data("zoo: warning: float16 weights move the outputs by more than \(ModelConverter.fp16Tolerance) relative L2; compare on your own data with --reference\n".utf8))
        }
        if let r = report.reference {
            print("Reference: relative L2 \(String(format: "%.3g", r.relativeL2)), max abs error \(String(format: "%.3g", r.maxAbsError)), top-1 agreement \(r.top1Agreement)/\(r.rows)")
        }
    }
}
