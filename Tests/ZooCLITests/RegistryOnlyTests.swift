import Foundation
import Testing
import Zoo
import ZooFetch
import ZooGraph
import ZooTestSupport

/// What needs no weights works on an empty cache with the network forbidden: `zoo info` shows
/// every listed model's architecture from the registry alone (as Keras'
/// `VGG19(weights=None).summary()` does), `zoo preprocess` computes the input tensor, and a
/// command that does need weights says in one sentence what to download and from where.
@Suite struct RegistryOnlyTests {
    static let offline = ["ZOO_OFFLINE": "1", "ZOO_MIRROR": ""]

    @Test func infoShowsEveryListedModelWithoutWeights() throws {
        let home = try FirstUseHome()
        defer { home.remove() }
        let env = home.environment(nil).merging(Self.offline) { $1 }
        let list = try ZooExecutable.run(["list"], environment: env)
        let names = list.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(names.count == SingleFileInstallTests.names.count, "\(list.stdout)")
        // Every listed model's graph from the registry alone has the parameter count its publisher
        // states (Keras' count_params(), torchvision's meta), counted as `zoo info` counts it.
        let options = LoadOptions(optimize: false, cache: WeightsCache(root: home.root), offline: true)
        for name in names {
            let manifest = try #require(try ModelCatalog.manifest(named: name, cache: options.cache))
            let graph = try Zoo.architectureGraph(name, options: options)
            guard let stated = manifest.parameters, !manifest.hasBuiltinWeights else { continue }
            var keras = false
            if case .keras = manifest.architecture { keras = true }
            #expect(graph.sourceParameterCount(countsRunningStatistics: keras) == stated, "\(name)")
        }
        // And the command prints it, for a Keras and a torchvision model.
        for (name, stated) in [("vgg19", "143,667,240"), ("tv-resnet50", "25,557,032")] {
            let r = try ZooExecutable.run(["info", name], environment: env)
            #expect(r.status == 0 && r.stderr.isEmpty, "\(name): \(r.stderr)")
            #expect(r.stdout.contains("Model: \(name)\n") && r.stdout.contains("Parameters: \(stated)\n"), "\(name): \(r.stdout.suffix(300))")
            #expect(r.stdout.contains("FLOPs (batch 1): ") && r.stdout.contains("Output "), "\(name)")
        }
        #expect(cachedNames(home.weights).isEmpty && cachedNames(home.root.appendingPathComponent("models")).isEmpty, "nothing fetched")
    }

    @Test func preprocessNeedsNoWeightsAndPredictSaysWhatToDownload() throws {
        let home = try FirstUseHome()
        defer { home.remove() }
        let env = home.environment(nil).merging(Self.offline) { $1 }
        let out = home.root.appendingPathComponent("x.npy")
        let pre = try ZooExecutable.run(["preprocess", "--model", "vgg16", FirstUseHome.photo, "-o", out.path], environment: env)
        #expect(pre.status == 0 && FileManager.default.fileExists(atPath: out.path), "\(pre.stderr)")

        let r = try ZooExecutable.run(["predict", "--model", "vgg19", FirstUseHome.photo], environment: env)
        expectOneErrorLine(r, status: 1, containing: "vgg19_weights_tf_dim_ordering_tf_kernels.h5: not cached, and zoo is offline "
            + "(--offline or ZOO_OFFLINE=1): download it from https://storage.googleapis.com/tensorflow/keras-applications/vgg19/"
            + "vgg19_weights_tf_dim_ordering_tf_kernels.h5 and put it at \(home.weights.path)/vgg19_weights_tf_dim_ordering_tf_kernels.h5, "
            + "or pass it with --weights FILE", "predict --model vgg19, offline")
    }
}
