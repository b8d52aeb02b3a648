import ArgumentParser
import Foundation
import ZooTensor

/// `zoo embed`: pooled features, one row per image, as a float32 `.npy`.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed", abstract: "Write image embeddings (pooled features), one row per image, as .npy.")

    @OptionGroup var options: ImageModelOptions

    @Option(name: .long, help: "The layer whose output to take (default: the model's pooled features).")
    var layer: String?

    @Option(name: .shortAndLong, help: "The .npy file to write.")
    var output: String

    @Argument(help: "Image files or folders.")
    var images: [String]

    func run() throws {
        try checkedOutputFolder(output)
        let model = try options.load()
        let features = try model.embed(try imageFiles(images).map { .file($0.url) }, layer: layer)
        try NPY.write(features, to: URL(fileURLWithPath: output))
    }
}
