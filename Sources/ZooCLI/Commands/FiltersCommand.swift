import ArgumentParser
import Foundation
import Zoo
import ZooGraph
import ZooKernels
import ZooVision

/// `zoo filters`: a convolution's kernels as enlarged tiles: the first convolution's as RGB
/// (each filter min-max normalised), another layer's as greyscale (mean over input channels).
/// The weights are those the model runs: batch norm is already folded into them.
struct FiltersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filters", abstract: "Draw a convolution's kernels as a PNG (the first one's as RGB tiles).")

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: "The convolution to draw (default: the first).")
    var layer: String?

    @Option(name: .long, help: "Draw at most this many filters.")
    var max = 64

    @Option(name: .shortAndLong, help: "The PNG to write.")
    var output: String

    func validate() throws {
        guard max >= 1 else { throw ValidationError("--max must be at least 1") }
    }

    func run() throws {
        try OutputFile.check(output, inputs: [options.model, options.weights].compactMap { $0 }, kind: .other)
        let model = try options.load()
        let graph = model.graph
        let convs = graph.nodes.filter { if case .conv2d = $0.op { true } else { false } }
        guard let node = layer.map({ name in convs.first { $0.name == name } }) ?? convs.first else {
            throw CLIError(layer.map { "\(model.name) has no convolution '\($0)' (first ones: \(convs.prefix(5).map(\.name).joined(separator: ", ")))" }
                           ?? "\(model.name) has no convolution")
        }
        let weights = graph.values[node.inputs[1]].constant!.converted(to: .float32)
        let (kh, kw, cin, cout) = (weights.shape[0], weights.shape[1], weights.shape[2], weights.shape[3])
        let w = weights.floats  // HWIO
        let count = Swift.min(cout, max)
        let rgb = cin == 3 && node.name == convs.first?.name
        // Caffe-mode models (Keras VGG, ResNet) read BGR: show their first filters as RGB.
        let bgr = model.pipeline.map { $0.preprocessing.parameters.order == .bgr } ?? false
        let tiles = (0..<count).map { o -> [(Float, Float, Float)] in
            let taps = (0..<(kh * kw)).map { t -> (Float, Float, Float) in
                if rgb {
                    let c = (0..<3).map { w[(t * cin + $0) * cout + o] }
                    return bgr ? (c[2], c[1], c[0]) : (c[0], c[1], c[2])
                }
                let mean = (0..<cin).reduce(Float(0)) { $0 + w[(t * cin + $1) * cout + o] } / Float(cin)
                return (mean, mean, mean)
            }
            let flat = taps.flatMap { [$0.0, $0.1, $0.2] }
            let lo = flat.min() ?? 0, hi = flat.max() ?? 0, span = hi > lo ? hi - lo : 1
            return taps.map { (($0.0 - lo) / span, ($0.1 - lo) / span, ($0.2 - lo) / span) }
        }
        let scale = Swift.max(1, 40 / Swift.max(kh, kw))
        try TileSheet(perRow: 8, scale: scale).render(tiles: tiles, tileHeight: kh, tileWidth: kw)
            .writePNG(to: URL(fileURLWithPath: output))
    }
}
