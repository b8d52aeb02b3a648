import ArgumentParser
import Foundation
import Zoo
import ZooGraph
import ZooTensor

/// `zoo explain`: a class activation map (CAM or Grad-CAM) blended over each photo, as PNG.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Draw a class activation map (CAM or Grad-CAM) over each photo, as PNG.",
        discussion: """
            Defaults: the top-1 class; the last layer with a spatial output before the global pooling or \
            the flatten; CAM where the head is global average pooling + dense, Grad-CAM otherwise. \
            OUT is a PNG file for one image and a folder (created if missing) for several; --map likewise \
            writes the raw map (float32 .npy, the layer's resolution, after the ReLU, before normalising).
            """)

    @OptionGroup var options: ModelOptions

    @Option(name: .customLong("class"), help: "The class to explain: an index or a label (default: the top class).")
    var classSpec: String?

    @Option(name: .long, help: "cam or gradcam (default: cam for a GAP + dense head at its layer, else gradcam).")
    var method: ActivationMapMethod?

    @Option(name: .long, help: "The layer to take the map at (default: the last spatial layer).")
    var layer: String?

    @Option(name: .shortAndLong, help: "The PNG to write (a folder for several images).")
    var output: String

    @Option(name: .long, help: "Also write the raw map as .npy (a folder for several images).")
    var map: String?

    @Option(name: .long, help: "Longer side of the drawn photo, in pixels.")
    var size = 448

    @Argument(help: "Image files or folders.")
    var images: [String]

    func validate() throws {
        guard (64...4096).contains(size) else { throw ValidationError("--size must be between 64 and 4096") }
    }

    func run() throws {
        let files = try imageFiles(images)
        let several = files.count > 1
        let outputs = try files.map { try outputPath(output, for: $0, several: several, ext: "png", inputs: files) }
        let maps = try map.map { m in try files.map { try outputPath(m, for: $0, several: several, ext: "npy", inputs: files) } }
        let model = try options.load()
        let explainer = try Explainer(model: model)
        let classIndex = try classSpec.map(explainer.classIndex)
        for (i, file) in files.enumerated() {
            let explanation = try explainer.explain(.file(URL(fileURLWithPath: file)), classIndex: classIndex, method: method, layer: layer)
            if let maps {
                let m = explanation.map
                try NPY.write(Tensor(shape: [m.height, m.width], floats: m.values), to: URL(fileURLWithPath: maps[i]))
            }
            try explanation.rendered(longSide: size).writePNG(to: URL(fileURLWithPath: outputs[i]))
        }
    }
}

extension ActivationMapMethod: ExpressibleByArgument {}

/// Where one image's output goes: `path` itself for a single image, else `path/<stem>.<ext>`
/// (the folder created). Refuses to write over any input image.
func outputPath(_ path: String, for file: String, several: Bool, ext: String, inputs: [String]) throws -> String {
    var target = path
    if several {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        target = URL(fileURLWithPath: path).appendingPathComponent(URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent + "." + ext).path
    } else {
        try OutputFile.check(path, inputs: [], kind: .other)
    }
    let resolved = URL(fileURLWithPath: target).standardizedFileURL.resolvingSymlinksInPath().path
    if inputs.contains(where: { URL(fileURLWithPath: $0).standardizedFileURL.resolvingSymlinksInPath().path == resolved }) {
        throw CLIError("\(target): is one of the input images; choose another output")
    }
    return target
}
