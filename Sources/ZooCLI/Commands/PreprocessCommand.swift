import ArgumentParser
import Foundation
import Zoo
import ZooTensor

/// `zoo preprocess`: the exact input tensor a model would see for an image. A zoo model
/// needs no weights for this: its manifest says how images become its input.
struct PreprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess", abstract: "Write the input tensor a model sees for images (one batch), as .npy.")

    @OptionGroup var options: ModelOptions

    @Option(name: .shortAndLong, help: "The .npy file to write.")
    var output: String

    @OptionGroup var outputOptions: OutputOptions

    @Argument(help: "Image files or folders (one batch).")
    var images: [String]

    func run() throws {
        try OutputFile.check(output, inputs: images + [options.model, options.weights].compactMap { $0 }, kind: .npy, force: outputOptions.force)
        let files = try imageFiles(images).map { ImageSource.file(URL(fileURLWithPath: $0)) }
        let source = try options.source()
        let tensor: Tensor
        if let pipeline = try source.pipeline() {
            tensor = try pipeline.tensor(from: files.map { try $0.decoded(pipeline.decodeOptions) })
        } else {
            // Loaded as every command loads: a recognised weights file is named on stderr.
            tensor = try options.load().preprocess(files)
        }
        try NPY.write(tensor, to: URL(fileURLWithPath: output))
    }
}
