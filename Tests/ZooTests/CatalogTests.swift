import Foundation
import Testing
import Zoo
import ZooCatalog
import ZooFetch
import ZooGraph
import ZooImport
import ZooModels
import ZooTensor

/// The zoo's manifests against the code that uses them: every fact a manifest states (its
/// architecture, input and embedding names, parameter count, labels, weight sources) is
/// checked here, so a wrong one fails before anyone downloads weights.
@Suite struct CatalogTests {
    static let manifests: [ModelManifest] = (try? ModelCatalog.all()) ?? []
    static let keras = manifests.filter { $0.family == "Keras applications" }
    /// The zoo models as DESIGN.md's table names them, for the Keras applications.
    static let kerasNames = ["mobilenetv2", "resnet101", "resnet152", "resnet50", "vgg16", "vgg19"]
    /// Models whose publisher gives no full hash for the weights file: their sources are checked
    /// by the sha256 prefix in the name (torchvision) or not at all (Keras' MobileNetV2), and
    /// the first download's sha256 is pinned.
    static let withoutPublishedHash: Set<String> = [
        "mobilenetv2", "tv-mobilenetv2", "tv-resnet18", "tv-resnet34", "tv-resnet50", "tv-vgg16", "tv-vgg19",
    ]

    @Test func everyManifestDecodesAndNamesMatchFiles() throws {
        let files = Catalog.manifestData.keys
        #expect(files.count == Self.manifests.count, "every manifest file decodes")
        let names = Self.manifests.map(\.name)
        #expect(Set(names).count == names.count, "names are unique: \(names)")
        #expect(Set(files) == Set(names), "each file is named after its model")
        #expect(Self.keras.map(\.name) == Self.kerasNames)
        for name in names {
            #expect(try ModelCatalog.manifest(named: name)?.name == name)
        }
    }

    @Test(arguments: manifests.map(\.name))
    func pipelineAndLabels(_ name: String) throws {
        let manifest = try #require(try ModelCatalog.manifest(named: name))
        _ = try manifest.pipeline()
        #expect(try ModelCatalog.labels(for: manifest).classes.count == (manifest.hasBuiltinWeights ? 10 : 1000))
    }

    @Test(arguments: manifests.map(\.name))
    func weightSourcesCarryAHash(_ name: String) throws {
        let manifest = try #require(try ModelCatalog.manifest(named: name))
        #expect(manifest.hasBuiltinWeights || !manifest.weights.isEmpty, "every zoo model can be fetched")
        if Self.withoutPublishedHash.contains(name) {
            #expect(manifest.weights.allSatisfy { $0.verification.pinsOnFirstUse })
            #expect(manifest.description?.contains("no hash") == true, "the manifest says how the file is checked")
        }
        let first = manifest.weights.first
        for source in manifest.weights {
            #expect(!source.digests.isEmpty || source.verification.pinsOnFirstUse, "\(source.file)")
            #expect(source.file == first?.file && source.sha256 == first?.sha256 && source.md5 == first?.md5,
                    "a model's sources are mirrors of one file")
            if manifest.family == "torchvision" {
                // torchvision's IMAGENET1K_V1 files, named with their sha256 prefix as torch.hub checks it.
                #expect(source.verification == .sha256PrefixInName && source.url?.lastPathComponent == source.file)
            }
        }
    }

    @Test(arguments: manifests.map(\.name))
    func architectureIsOneTheImporterAccepts(_ name: String) throws {
        let manifest = try #require(try ModelCatalog.manifest(named: name))
        switch manifest.architecture {
        case .keras(let config):
            #expect(manifest.family == "Keras applications")
            #expect(config.includeTop && config.inputSize == manifest.input.size)
            #expect(try config.weightsSpec().parameterCount == manifest.parameters, "Keras' count_params()")
        case .builtin(let builtin):
            #expect(try builtin.graph().parameterCount == manifest.parameters)
        case .torch(let arch):
            #expect(TorchImporter.architectures.contains(arch.rawValue))
            if let spec = Self.torchvisionStateDict(arch.rawValue) {
                // torchvision's num_params counts parameters, not BN running statistics.
                let parameters = spec.filter { !$0.name.hasSuffix("running_mean") && !$0.name.hasSuffix("running_var") }
                    .reduce(0) { $0 + $1.shape.elementCount }
                #expect(parameters == manifest.parameters, "\(name): torchvision's num_params")
            }
        }
    }

    static func torchvisionStateDict(_ arch: String) -> [StateDictEntry]? {
        switch arch {
        case "tv-resnet18": TorchvisionResNet.stateDict(.resnet18())
        case "tv-resnet34": TorchvisionResNet.stateDict(.resnet34())
        case "tv-resnet50": TorchvisionResNet.stateDict(.resnet50())
        case "tv-vgg16": TorchvisionVGG.stateDict(.vgg16())
        case "tv-vgg19": TorchvisionVGG.stateDict(.vgg19())
        case "tv-mobilenetv2": TorchvisionMobileNetV2.stateDict(TorchvisionMobileNetV2.Config())
        default: nil
        }
    }

    /// Built with zero weights and optimised as `Zoo.load` does: the input and embedding the
    /// manifest names must be values of the graph, and "probabilities" must end in a softmax.
    @Test(.serialized, arguments: keras.map(\.name))
    func namesExistInTheOptimisedGraph(_ name: String) throws {
        let manifest = try #require(try ModelCatalog.manifest(named: name))
        guard case .keras(let config) = manifest.architecture else { Issue.record("\(name) is not a Keras model"); return }
        var weights: [String: [Tensor]] = [:]
        for layer in try config.weightsSpec().layers {
            weights[layer.name] = layer.weights.map { Tensor(zeros: $0.shape) }
        }
        let graph = GraphOptimizer.optimize(try config.graph(weights: weights))
        let inputs = graph.inputs.map { graph.values[$0].name }
        #expect(inputs == [manifest.input.name])
        #expect(graph.values[graph.inputs[0]].shape == [1, manifest.input.size, manifest.input.size, 3])
        let embedding = try #require(manifest.embedding)
        let found = graph.value(named: embedding)
        let value = try #require(found, "'\(embedding)' is not a value after optimisation")
        #expect(graph.values[value].shape.dims.count == 2, "\(embedding) holds pooled features")
        let output = try #require(graph.outputs.first)
        let last = try #require(graph.nodes.first { $0.output == output.value })
        if case .softmax = last.op {} else { Issue.record("\(name): output '\(output.name)' is not a softmax") }
        #expect(manifest.output == .probabilities)
    }

    @Test func missingWeightsFileIsNamed() {
        let path = "/nonexistent.h5"
        let error = #expect(throws: ZooError.self) { _ = try Zoo.load("vgg16", options: LoadOptions(weights: URL(fileURLWithPath: path))) }
        #expect(error?.description.contains(path) == true, "\(error.map(String.init(describing:)) ?? "no error")")
    }
}
