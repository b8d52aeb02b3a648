import ArgumentParser
import Foundation
import Zoo
import ZooBench
import ZooGraph
import ZooKernels

/// `zoo bench`: latency, throughput, load time and memory of a model on synthetic input, with
/// an optional per-op profile and GEMM peak. Timings are wall clock on whatever else the machine
/// is doing: run it on a quiet machine for figures worth quoting.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure a model's latency, throughput, load time and memory on synthetic input.")

    @OptionGroup var modelOptions: ModelOptions

    @Option(name: .long, help: "A weights file you downloaded yourself, for a zoo model name.")
    var weights: String?

    @Option(name: .long, help: "Images per batch.")
    var batch = 1

    @Option(name: .long, help: "Threads to use (default: the CPUs this process may use).")
    var threads: Int?

    @Option(name: .long, help: "Timed runs.")
    var runs = 10

    @Option(name: .long, help: "Untimed runs before the timed ones.")
    var warmup = 2

    @Flag(name: .long, help: "Print JSON (schema in the README).")
    var json = false

    @Flag(name: .long, help: "Also time every node (over --runs more runs) and show the time per op kind and the slowest nodes.")
    var profile = false

    @Option(name: .long, help: "With --profile: how many of the slowest nodes to list.")
    var top = 10

    @Flag(name: .long, help: "Also measure sgemm GFLOP/s through zoo's GEMM path, and the time the model's FLOPs take at that rate.")
    var gemmPeak = false

    @Option(name: .long, help: "Arithmetic of convolutions and dense layers: fp32, or bf16 (bfloat16 products, fp32 sums) where the CPU has AVX512-BF16.")
    var precision: KernelOptions.Precision = .fp32

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let started = ContinuousClock.now
        let settings = BenchmarkSettings(batch: batch, threads: threads ?? ThreadCount.default, runs: runs, warmup: warmup,
                                         profile: profile, topNodes: top, gemmPeak: gemmPeak,
                                         kernels: .forCommand(precision: precision))
        let result = try Benchmark.run(model: modelOptions.model, settings: settings, started: started, load: loadGraph)
        if json {
            print(try BenchReport(result).jsonString())
        } else {
            print(result.textReport())
        }
    }

    /// A zoo model name goes through the zoo (cached or --weights file); files and built-in
    /// models load as `zoo info` and `zoo infer` load them.
    private func loadGraph() throws -> Graph {
        let spec = modelOptions.model
        if !FileManager.default.fileExists(atPath: spec), try ModelCatalog.manifest(named: spec) != nil {
            // Zoo.load always optimises; saying nothing would benchmark something else than asked.
            if modelOptions.noOptimize { throw ValidationError("--no-optimize works with model files, not with the zoo model \(spec)") }
            return try Zoo.load(spec, weights: weights.map { URL(fileURLWithPath: $0) }).graph
        }
        if weights != nil { throw ValidationError("--weights goes with a zoo model name, not with \(spec)") }
        return try modelOptions.loadGraph()
    }
}
