import Foundation
import ZooBench

/// `zoo bench --json`: one object, schema documented in the README (times in milliseconds,
/// memory in bytes, rates in GFLOP/s). Keys are the properties in snake_case; `gemm_peak`,
/// `profile` and the after-load RSS figures are left out when not measured.
struct BenchReport: Encodable {
    struct Latency: Encodable { var median, min, max: Double }
    struct Memory: Encodable {
        var peakRSSBytes: Int
        var peakRSSAfterLoadBytes: Int?
        var weightBytes: Int
        var arenaBytes: Int
        var twoLargestActivationsBytes: Int
        /// weights + two largest activations, the base of issue 9's RSS target (<= 1.3x at batch 1).
        var targetBaseBytes: Int
        var rssRatio: Double
        var rssAfterLoadRatio: Double?
        /// RSS before the model loaded (the process's floor), and the peak above it as a
        /// multiple of the target base: what the model itself costs.
        var startRSSBytes: Int?
        var rssAboveStartRatio: Double?
    }
    struct GEMMShape: Encodable { var m, n, k: Int; var gflopsPerSecond: Double }
    struct GEMMPeakReport: Encodable {
        var gflopsPerSecond: Double
        /// The model's FLOPs for one batch at the peak rate: the time a perfect GEMM would take.
        var impliedMs: Double
        var shapes: [GEMMShape]
    }
    struct Kind: Encodable { var kind: String; var nodes: Int; var ms, percent: Double; var gflopsPerSecond: Double? }
    struct NodeTime: Encodable { var name, kind: String; var outputShape: [Int]; var ms, percent: Double; var gflopsPerSecond: Double? }
    struct Profile: Encodable { var runs: Int; var totalMs: Double; var kinds: [Kind]; var topNodes: [NodeTime] }

    var model: String
    var batch, threads: Int
    var gemm: String
    var runs, warmup: Int
    var loadMs, firstRunMs: Double
    var latencyMs: Latency
    /// Every run, warm-up first, in order.
    var runMs: [Double]
    var imagesPerSecond: Double
    var gflopsPerImage: Double
    var gflopsPerSecond: Double
    var memory: Memory
    var gemmPeak: GEMMPeakReport?
    var profile: Profile?

    init(_ r: BenchmarkResult) {
        // Rounded to what the clock can tell (0.1 us), rates and shares to two decimals.
        func ms(_ seconds: Double) -> Double { rounded(seconds * 1000, 4) }
        func two(_ x: Double) -> Double { rounded(x, 2) }
        model = r.model
        batch = r.settings.batch
        threads = r.settings.threads
        gemm = r.gemm
        runs = r.settings.runs
        warmup = r.settings.warmup
        loadMs = ms(r.loadSeconds)
        firstRunMs = ms(r.firstRunSeconds)
        latencyMs = Latency(median: ms(r.latency.median), min: ms(r.latency.min), max: ms(r.latency.max))
        runMs = r.runSeconds.map(ms)
        imagesPerSecond = two(r.imagesPerSecond)
        gflopsPerImage = rounded(Double(r.flopsPerImage) / 1e9, 6)
        gflopsPerSecond = two(r.achievedGFLOPSPerSecond)
        memory = Memory(peakRSSBytes: r.peakRSSBytes, peakRSSAfterLoadBytes: r.peakRSSAfterLoadBytes,
                        weightBytes: r.memory.weightBytes, arenaBytes: r.memory.arenaBytes,
                        twoLargestActivationsBytes: r.memory.twoLargestActivationsBytes, targetBaseBytes: r.memory.targetBaseBytes,
                        rssRatio: rounded(r.memory.ratio(ofRSS: r.peakRSSBytes), 3),
                        rssAfterLoadRatio: r.peakRSSAfterLoadBytes.map { rounded(r.memory.ratio(ofRSS: $0), 3) },
                        startRSSBytes: r.startRSSBytes,
                        rssAboveStartRatio: r.startRSSBytes.map { rounded(r.memory.ratio(ofRSS: r.peakRSSBytes - $0), 3) })
        gemmPeak = r.gemmPeak.map { peak in
            GEMMPeakReport(gflopsPerSecond: two(peak.gflopsPerSecond), impliedMs: ms(r.secondsAtGEMMPeak ?? 0),
                           shapes: peak.shapes.map { GEMMShape(m: $0.m, n: $0.n, k: $0.k, gflopsPerSecond: two($0.gflopsPerSecond)) })
        }
        profile = r.profile.map { p in
            Profile(runs: p.runs, totalMs: ms(p.totalSeconds),
                    kinds: p.kinds.map { Kind(kind: $0.kind, nodes: $0.nodes, ms: ms($0.seconds), percent: two($0.percent),
                                              gflopsPerSecond: $0.gflopsPerSecond.map(two)) },
                    topNodes: p.topNodes.map { NodeTime(name: $0.name, kind: $0.kind, outputShape: $0.outputShape.dims,
                                                        ms: ms($0.seconds), percent: two($0.percent),
                                                        gflopsPerSecond: $0.gflopsPerSecond.map(two)) })
        }
    }

    func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

private func rounded(_ x: Double, _ decimals: Int) -> Double {
    let scale = pow(10, Double(decimals))
    return (x * scale).rounded() / scale
}
