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

    @Argument(help: "A zoo model name, tiny-cnn, or a model file (or give --model).")
    var name: String?

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: "Images per batch.")
    var batch = 1

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

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more") }
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        guard name != nil || options.model != nil else { throw ValidationError("name the model: zoo bench --model M") }
    }

    func run() throws {
        let started = ContinuousClock.now
        let settings = BenchmarkSettings(batch: batch, threads: options.threads ?? ThreadCount.default, runs: runs, warmup: warmup,
                                         profile: profile, topNodes: top, gemmPeak: gemmPeak,
                                         kernels: options.loadOptions.kernels)
        let result = try Benchmark.run(model: name ?? options.model ?? "", settings: settings, started: started) {
            try options.load(positional: name).graph
        }
        if json {
            print(try BenchReport(result).jsonString())
        } else {
            print(result.textReport())
        }
    }
}
