import Foundation
import ZooFetch
import ZooGraph
import ZooKernels

/// The choices that go with naming a model: what a file is, where a zoo model's weights are,
/// and how the loaded model runs. The same options serve every command and the Swift API.
public struct LoadOptions: Sendable {
    /// The zoo model or architecture a file is (`--arch`): its architecture for a weights-only
    /// file, its preprocessing and labels for any file. Nil: recognised from the file where it can be.
    public var architecture: String?
    /// A weights file for a zoo model name (`--weights`), instead of the cache.
    public var weights: URL?
    /// Threads each run may use.
    public var threads: Int
    /// Whether decoded photos are turned upright by their EXIF orientation (Keras and torchvision do not).
    public var appliesEXIFOrientation: Bool
    /// Whether the imported graph is optimised (batch-norm folding, fusion); a `.zoo` already is.
    public var optimize: Bool
    /// Where zoo models' weights are cached (`$ZOO_HOME`).
    public var cache: WeightsCache
    /// Never download missing weights (`--offline`; `ZOO_OFFLINE=1` does the same): say what to get instead.
    public var offline: Bool
    /// The arithmetic of convolutions and dense layers (`--precision`): fp32, or bf16 (bfloat16
    /// products summed in float32, on the AMX tiles or AVX512-BF16), which runs as fp32 on CPUs
    /// with neither (`KernelOptions.unavailableNote` says so). Default: fp32, or what
    /// `ZOO_PRECISION` names (`KernelOptions.default`).
    public var precision: KernelOptions.Precision

    /// Options for `Zoo.load`; every default is what the `zoo` commands use without flags.
    public init(architecture: String? = nil, weights: URL? = nil, threads: Int = ThreadCount.default,
                appliesEXIFOrientation: Bool = true, optimize: Bool = true, cache: WeightsCache = .default, offline: Bool = false,
                precision: KernelOptions.Precision = KernelOptions.default.precision) {
        self.architecture = architecture
        self.weights = weights
        self.threads = threads
        self.appliesEXIFOrientation = appliesEXIFOrientation
        self.optimize = optimize
        self.cache = cache
        self.offline = offline
        self.precision = precision
    }

    /// The kernels a loaded model runs: the default paths at `precision`, as this CPU runs them.
    public var kernels: KernelOptions {
        var requested = KernelOptions.default
        requested.precision = precision
        return requested.runnable
    }
}
