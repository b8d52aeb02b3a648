import ArgumentParser
import Foundation
import Zoo
import ZooGraph
import ZooKernels
import ZooServe

/// `zoo serve`: the models as an HTTP service (Open Inference Protocol, image routes, metrics,
/// the page at /). `--model` may be given several times, unlike the other commands.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve models over HTTP: Open Inference Protocol (KServe v2), image routes, metrics and a page.",
        discussion: """
            Routes: GET / (the page), /v2, /v2/health/{live,ready}, /v2/models/M, /v2/models/M/ready, \
            POST /v2/models/M/infer (also under /versions/1/), POST /v1/models/M/classify?top=K, /v1/models/M/embed, \
            /v1/models/M/explain, GET /v1/models, /metrics. SIGTERM or SIGINT: stop accepting, finish what is in flight, exit 0.
            """)

    @Option(name: .long, help: "A model to serve (repeat for several): zoo name, tiny-cnn or a model file. Default: efficientnet-lite0.")
    var model: [String] = []

    @Option(name: .long, help: "The address to listen on (0.0.0.0 for every interface).")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port (0 picks a free one).")
    var port = 8080

    @Option(name: .long, help: "The most images run together in one model call.")
    var maxBatch = 8

    @Option(name: .long, help: "How long a batch waits for more requests while others are arriving, in milliseconds.")
    var batchDelayMs = 2.0

    @Option(name: .long, help: "The largest request body, in MiB (larger: 413).")
    var maxBodyMb = 32.0

    @Option(name: .long, help: "Requests admitted at once (decoding, queued or running); more get 503 with Retry-After.")
    var queue = 256

    @Option(name: .long, help: "Seconds a client may take to send a request body (then it is disconnected).")
    var bodyTimeout = 10.0

    @Option(name: .long, help: ModelOptions.threadsHelp)
    var threads: Int?

    @Option(name: .long, help: "Threads each model call uses: --threads divided by this many calls run at once. One (the default) wastes no CPU time on a call's threads waiting for each other while decoding and HTTP share the CPUs; more shortens a lone request.")
    var threadsPerCall = 1

    @Option(name: .long, help: "The folder of sample photos for /?example=NAME (default: zoo/samples here or beside the binary).")
    var examples: String?

    @Flag(name: .long, help: ModelOptions.noEXIFHelp)
    var noExif = false

    @Option(name: .long, help: ModelOptions.precisionHelp)
    var precision: KernelOptions.Precision?

    @Flag(name: .long, help: ModelOptions.offlineHelp)
    var offline = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard maxBatch >= 1 else { throw ValidationError("--max-batch must be at least 1") }
        guard batchDelayMs >= 0, batchDelayMs <= 10_000 else { throw ValidationError("--batch-delay-ms must be between 0 and 10000") }
        guard maxBodyMb > 0, maxBodyMb <= 4096 else { throw ValidationError("--max-body-mb must be above 0 and at most 4096") }
        guard queue >= 1 else { throw ValidationError("--queue must be at least 1") }
        guard bodyTimeout > 0 else { throw ValidationError("--body-timeout must be above 0") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        guard threadsPerCall >= 1, threadsPerCall <= threads ?? ThreadCount.default else {
            throw ValidationError("--threads-per-call must be between 1 and --threads (\(threads ?? ThreadCount.default))")
        }
        let names = model.isEmpty ? [ModelOptions.defaultModel] : model
        if Set(names).count != names.count { throw ValidationError("a model is named twice with --model") }
    }

    func run() async throws {
        let started = ContinuousClock.now
        let options = LoadOptions(threads: threadsPerCall, appliesEXIFOrientation: !noExif, offline: offline,
                                  precision: precision ?? KernelOptions.default.precision)
        KernelOptions.reportIfUnavailable(precision: options.precision)
        let models = try (model.isEmpty ? [ModelOptions.defaultModel] : model).map { try Zoo.load($0, options: options) }
        for model in models { model.reportIfFloat32FromBF16Weights() }
        if Set(models.map(\.name)).count != models.count {
            throw ValidationError("two models have the same name (\(models.map(\.name).joined(separator: ", "))); rename one file")
        }
        var settings = ServeConfiguration()
        settings.host = host
        settings.port = port
        settings.maxBatch = maxBatch
        settings.batchDelay = .microseconds(Int64(batchDelayMs * 1000))
        settings.modelWorkers = (threads ?? ThreadCount.default) / threadsPerCall
        settings.maxBodyBytes = Int(maxBodyMb * 1_048_576)
        settings.queueCapacity = queue
        settings.bodyTimeout = .milliseconds(Int64(bodyTimeout * 1000))
        settings.examplesFolder = examples.map { URL(fileURLWithPath: $0) } ?? ExampleImages.defaultFolder()
        let names = models.map(\.name).joined(separator: ", ")
        let host = self.host
        try await ZooServer(models: models, configuration: settings).run { port in
            let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18 + Double((ContinuousClock.now - started).components.seconds)
            FileHandle.standardError.write(Data("zoo: serving \(names) on http://\(host):\(port)/ (ready in \(String(format: "%.2f", seconds)) s)\n".utf8))
        }
    }
}
