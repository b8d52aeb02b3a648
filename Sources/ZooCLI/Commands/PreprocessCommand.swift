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

    @Argument(help: "Image files or folders (one batch).")
    var images: [String]

    func run() throws {
        try checkedOutputFolder(output)
        let model = try options.load()
        let tensor = try model.preprocess(try imageFiles(images).map { .file($0.url) })
        try NPY.write(tensor, to: URL(fileURLWithPath: output))
    }
}

/// Fails before any work when the output's folder does not exist.
func checkedOutputFolder(_ path: String) throws {
    let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
        throw CLIError("\(path): the folder \(folder.path) does not exist")
    }
}
