import ArgumentParser
import Foundation
import Zoo
import ZooGraph

/// How an image command picks its model: a zoo model (weights from the cache or --weights)
/// or a model file, plus the image-decoding and threading choices.
struct ImageModelOptions: ParsableArguments {
    @Option(name: .long, help: "A zoo model name (see `zoo list`) or a model file.")
    var model = "efficientnet-lite0"

    @Option(name: .long, help: "The zoo model a file is (supplies architecture, preprocessing and labels).")
    var arch: String?

    @Option(name: .long, help: "A weights file you downloaded yourself, for a zoo model.")
    var weights: String?

    @Flag(name: .long, help: "Ignore EXIF orientation, as Keras and torchvision do.")
    var noExif = false

    @Option(name: .long, help: "Threads to use (default: the CPUs this process may use).")
    var threads: Int?

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func load() throws -> Model {
        try Zoo.load(model, arch: arch, weights: weights.map { URL(fileURLWithPath: $0) },
                     appliesEXIFOrientation: !noExif, threads: threads ?? ThreadCount.default)
    }
}

/// An image file named on the command line, with the path as the user wrote it (for output).
struct ImageFile {
    var path: String
    var url: URL { URL(fileURLWithPath: path) }
}

/// The image files named on a command line: files as given, folders expanded to the images
/// directly inside them (sorted). A missing path is an error naming it.
func imageFiles(_ paths: [String]) throws -> [ImageFile] {
    let extensions: Set<String> = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "gif", "bmp"]
    var files: [ImageFile] = []
    for path in paths {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw CLIError("\(path): no such file or folder") }
        if isDir.boolValue {
            let names = try FileManager.default.contentsOfDirectory(atPath: path)
            let folder = path.hasSuffix("/") ? path : path + "/"
            files += names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted().map { ImageFile(path: folder + $0) }
        } else {
            files.append(ImageFile(path: path))
        }
    }
    guard !files.isEmpty else { throw CLIError("no images in \(paths.joined(separator: ", "))") }
    return files
}

/// Writes one `zoo: error:` line to stderr without stopping (for per-image failures).
func reportError(_ message: String) {
    FileHandle.standardError.write(Data("zoo: error: \(message)\n".utf8))
}
