import ArgumentParser
import Foundation
import ZooTensor

/// `zoo preprocess`: the exact input tensor a model would see for an image.
struct PreprocessCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preprocess", abstract: "Write the input tensor a model sees for an image, as .npy.")

    @OptionGroup var options: ImageModelOptions

    @Option(name: .shortAndLong, help: "The .npy file to write.")
    var output: String

    @OptionGroup var outputOptions: OutputOptions

    @Argument(help: "Image files or folders (one batch).")
    var images: [String]

    func run() throws {
        try OutputFile.check(output, inputs: images + [options.model] + [options.weights].compactMap { $0 }, kind: .npy, force: outputOptions.force)
        let model = try options.load()
        let tensor = try model.preprocess(try imageFiles(images).map { .file($0.url) })
        try NPY.write(tensor, to: URL(fileURLWithPath: output))
    }
}
