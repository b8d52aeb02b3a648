import ArgumentParser
import Zoo
import ZooGraph

/// How a command names its model: a zoo model name or a model file, with an architecture for
/// weights-only files.
struct ModelOptions: ParsableArguments {
    @Option(name: .long, help: "A zoo model name or a model file (.onnx, .h5, .keras).")
    var model: String

    @Option(name: .long, help: "Architecture of a weights-only file (for example vgg16, resnet50).")
    var arch: String?

    @Flag(name: .long, help: "Skip the graph optimisations (batch-norm folding, fusion).")
    var noOptimize = false

    func loadGraph() throws -> Graph {
        try ModelLoader.loadGraph(model, architecture: arch, optimize: !noOptimize)
    }
}
