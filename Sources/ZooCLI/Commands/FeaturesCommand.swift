import ArgumentParser
import Foundation
import Zoo
import ZooGraph
import ZooVision

/// `zoo features`: one layer's feature maps for an image, as a grid of greyscale tiles.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features", abstract: "Draw a layer's feature maps for an image as a PNG grid (8 per row).")

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: "The layer whose output to draw (a layer with a spatial output).")
    var layer: String

    @Option(name: .long, help: "Draw at most this many channels.")
    var max = 64

    @Option(name: .shortAndLong, help: "The PNG to write.")
    var output: String

    @Argument(help: "An image file.")
    var image: String

    func validate() throws {
        guard max >= 1 else { throw ValidationError("--max must be at least 1") }
    }

    func run() throws {
        let files = try imageFiles([image])
        let target = try outputPath(output, for: files[0], several: false, ext: "png", inputs: files)
        let model = try options.load()
        guard let id = model.graph.value(named: layer), model.graph.values[id].constant == nil else {
            throw CLIError("\(model.name) has no layer '\(layer)'")
        }
        let shape = try model.graph.shapes(batch: 1)[id]
        guard shape.rank == 4 else { throw CLIError("layer '\(layer)' has output \(shape), not a spatial [N,H,W,C] map") }
        let values = try model.embeddings([.file(URL(fileURLWithPath: files[0]))], layer: layer).floats
        // Small maps (7x7) are enlarged so each tile is about 48 pixels across.
        let scale = Swift.max(1, 48 / Swift.max(shape[1], shape[2]))
        let sheet = TileSheet(perRow: 8, scale: scale).featureMaps(values, height: shape[1], width: shape[2], channels: shape[3], limit: max)
        try sheet.writePNG(to: URL(fileURLWithPath: target))
    }
}
