import ArgumentParser
import Foundation
import Zoo
import ZooVision
import ZooGraph
import ZooKernels

/// How every command names its model, the same way everywhere: `--model M`, where M is a zoo
/// model name (see `zoo list`; `tiny-cnn` is built in) or a model file, plus the choices that
/// go with it. `zoo info` and `zoo bench` also take M as their argument.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "A zoo model name (see `zoo list`), tiny-cnn, or a model file (.zoo, .onnx, .h5, .keras, .pth). Default: efficientnet-lite0.")
    var model: String?

    @Option(name: .long, help: "The zoo model or architecture a file is (supplies its architecture, preprocessing and labels).")
    var arch: String?

    @Option(name: .long, help: "A weights file you downloaded yourself, for a zoo model name.")
    var weights: String?

    @Option(name: .long, help: ModelOptions.threadsHelp)
    var threads: Int?

    @Flag(name: .long, help: ModelOptions.noEXIFHelp)
    var noExif = false

    @Flag(name: .long, help: "Skip the graph optimisations (batch-norm folding, fusion).")
    var noOptimize = false

    @Flag(name: .long, help: ModelOptions.offlineHelp)
    var offline = false

    @Option(name: .long, help: ModelOptions.precisionHelp)
    var precision: KernelOptions.Precision?

    // The help of the options `zoo serve` also takes (it names several models, so it cannot
    // take this group whole).

    /// `--threads`' help.
    static let threadsHelp: ArgumentHelp = "Threads to use (default: the CPUs this process may use)."

    /// `--no-exif`'s help.
    static let noEXIFHelp: ArgumentHelp = "Ignore EXIF orientation, as Keras and torchvision do."

    /// `--offline`'s help.
    static let offlineHelp: ArgumentHelp = "Never download weights (ZOO_OFFLINE=1 does the same); say what to get instead."

    /// `--precision`'s help.
    static let precisionHelp: ArgumentHelp = "Arithmetic of convolutions and dense layers: fp32 (default; ZOO_PRECISION=bf16 changes it), or bf16 (bfloat16 products, fp32 sums) on the AMX tiles or AVX512-BF16; CPUs with neither run fp32 and say so."

    /// The model when none is named.
    static let defaultModel = "efficientnet-lite0"

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    var loadOptions: LoadOptions {
        LoadOptions(architecture: arch, weights: weights.map { URL(fileURLWithPath: $0) }, threads: threads ?? ThreadCount.default,
                    appliesEXIFOrientation: !noExif, optimize: !noOptimize, offline: offline,
                    precision: precision ?? KernelOptions.default.precision)
    }

    /// The model named by `--model`, or by `positional` for the commands that also take it as their argument.
    func source(positional: String? = nil) throws -> ModelSource {
        if let positional, let model, positional != model {
            throw ValidationError("the model is named twice: \(positional) and --model \(model)")
        }
        return try ModelSource(positional ?? model ?? Self.defaultModel, options: loadOptions)
    }

    /// Loads the model, saying on stderr which zoo model a weights file was recognised as, when
    /// bf16 was asked for on a CPU without a bf16 unit, and when fp32 runs on bf16 weights.
    func load(positional: String? = nil) throws -> Model {
        let model = try Zoo.load(source(positional: positional))
        KernelOptions.reportIfUnavailable(precision: loadOptions.precision)
        model.reportIfFloat32FromBF16Weights()
        if let recognized = model.recognizedAs {
            FileHandle.standardError.write(Data("zoo: \(model.name) is \(recognized) (recognised from its weights)\n".utf8))
        }
        return model
    }
}

/// Image files named on the command line: folders expanded, what was skipped said in one line.
func imageFiles(_ paths: [String]) throws -> [String] {
    let list = try ImageFileList(paths)
    if !list.skipped.isEmpty {
        FileHandle.standardError.write(Data("zoo: skipped \(list.summary)\n".utf8))
    }
    return list.files
}

/// Writes one `zoo: error:` line to stderr without stopping (for per-image failures).
func reportError(_ message: String) {
    FileHandle.standardError.write(Data("zoo: error: \(message)\n".utf8))
}
