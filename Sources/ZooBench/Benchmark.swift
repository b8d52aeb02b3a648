import ZooGraph
import ZooKernels
import ZooTensor

/// What `zoo bench` is asked to measure.
public struct BenchmarkSettings: Sendable {
    /// Images per run.
    public var batch: Int
    /// Threads the executor uses.
    public var threads: Int
    /// Timed runs, after `warmup` untimed ones.
    public var runs: Int
    /// Untimed runs before the timed ones.
    public var warmup: Int
    /// Also time every node over `runs` further runs (kept apart from the latency runs, whose
    /// clock reads would otherwise be disturbed by the per-node ones).
    public var profile: Bool
    /// How many of the slowest nodes the profile lists.
    public var topNodes: Int
    /// Also measure the machine's GEMM peak (`GEMMPeak`).
    public var gemmPeak: Bool
    /// The kernel paths and precision the executor is built with (`--precision bf16` sets
    /// `kernels.precision`).
    public var kernels: KernelOptions

    /// Settings; the defaults are `zoo bench`'s.
    public init(batch: Int = 1, threads: Int = ThreadCount.default, runs: Int = 10, warmup: Int = 2,
                profile: Bool = false, topNodes: Int = 10, gemmPeak: Bool = false, kernels: KernelOptions = .default) {
        self.batch = batch; self.threads = threads; self.runs = runs; self.warmup = warmup
        self.profile = profile; self.topNodes = topNodes; self.gemmPeak = gemmPeak; self.kernels = kernels
    }
}

/// One benchmark of one model at one batch size.
public struct BenchmarkResult: Sendable {
    /// The model's name or file, as given.
    public var model: String
    /// What was asked for.
    public var settings: BenchmarkSettings
    /// Which code multiplies (`BLASInfo.gemmKernel`): "zoo AVX-512, Winograd F(4x4,3x3)",
    /// "zoo AVX512-BF16 (fp32 accumulate)", or "OpenBLAS <core>" on CPUs without AVX-512.
    public var gemm: String
    /// From the command's start to the model being ready: loaded (imported or mapped),
    /// optimised, executor built, plan for the batch size made.
    public var loadSeconds: Double
    /// The first inference (it pays page faults on mapped weights and first-touch of the arena).
    public var firstRunSeconds: Double
    /// Per batch, over the timed runs.
    public var latency: LatencyStatistics
    /// Every run in order, warm-up runs first: shows how a fresh process ramps up to speed.
    public var runSeconds: [Double]
    /// Images per second at the median latency.
    public var imagesPerSecond: Double { Double(settings.batch) / latency.median }
    /// Conv and dense FLOPs of one image (two per multiply-add).
    public var flopsPerImage: Int
    /// The memory the model needs on paper: weights and the activation arena.
    public var memory: MemoryFootprint
    /// The process's high-water mark, loading included.
    public var peakRSSBytes: Int
    /// The high-water mark from model ready to the end of the runs (Linux), which leaves out
    /// memory that loading used and gave back; nil where it cannot be measured.
    public var peakRSSAfterLoadBytes: Int?
    /// RSS just before the model loaded: the process's floor (Linux; nil elsewhere).
    public var startRSSBytes: Int?
    /// The GEMM peak, when asked for.
    public var gemmPeak: GEMMPeak?
    /// The per-op profile, when asked for.
    public var profile: OpProfile?

    /// Conv and dense GFLOP per second over a batch at the median latency.
    public var achievedGFLOPSPerSecond: Double { Double(flopsPerImage * settings.batch) / latency.median / 1e9 }
    /// One batch's FLOPs at the measured GEMM peak: the latency a runtime made of perfect GEMMs would reach.
    public var secondsAtGEMMPeak: Double? {
        gemmPeak.map { Double(flopsPerImage * settings.batch) / ($0.gflopsPerSecond * 1e9) }
    }
}

/// Runs a benchmark: what `zoo bench` calls.
public enum Benchmark {
    /// Loads the model with `load`, then runs it on synthetic inputs: `settings.warmup` untimed
    /// runs, `settings.runs` timed ones, then the profile and GEMM peak if asked for.
    /// Load time is counted from `started` (the command's start).
    public static func run(model: String, settings: BenchmarkSettings, started: ContinuousClock.Instant,
                           load: () throws -> Graph) throws -> BenchmarkResult {
        let startRSS = ResidentMemory.currentBytes()
        let graph = try load()
        let executor = Executor(graph: graph, threads: settings.threads, kernels: settings.kernels)
        let plan = try executor.plan(batch: settings.batch)
        let loadSeconds = (ContinuousClock.now - started).seconds
        let loadPeakRSS = ResidentMemory.peakBytes()
        let canResetPeak = ResidentMemory.resetPeak()

        let inputs = try SyntheticInputs.make(for: graph, batch: settings.batch)
        let runSeconds = try (0..<(settings.warmup + settings.runs)).map { _ in
            try Stopwatch.seconds { _ = try executor.run(inputs) }
        }
        let profile = settings.profile
            ? try OpProfile(graph: graph, batch: settings.batch,
                            runTimes: (0..<settings.runs).map { _ in try executor.runProfiled(inputs).nodeTimes },
                            top: settings.topNodes, steps: try executor.stepNodes(batch: settings.batch))
            : nil
        let runPeakRSS = ResidentMemory.peakBytes()

        return BenchmarkResult(
            model: model, settings: settings, gemm: BLASInfo.gemmKernel(executor.kernels), loadSeconds: loadSeconds,
            firstRunSeconds: runSeconds[0], latency: LatencyStatistics(samples: Array(runSeconds.dropFirst(settings.warmup))),
            runSeconds: runSeconds,
            flopsPerImage: try graph.convAndDenseFLOPs(batch: 1),
            memory: MemoryFootprint(graph: graph, plan: plan), peakRSSBytes: max(loadPeakRSS, runPeakRSS), peakRSSAfterLoadBytes: canResetPeak ? runPeakRSS : nil,
            startRSSBytes: startRSS,
            gemmPeak: settings.gemmPeak ? try GEMMPeak.measure(threads: settings.threads, kernels: settings.kernels) : nil, profile: profile)
    }
}
