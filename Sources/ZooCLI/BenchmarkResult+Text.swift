import Foundation
import ZooBench

/// `zoo bench` without `--json`: a few lines for people, plus the profile tables.
extension BenchmarkResult {
    func textReport() -> String {
        let s = settings
        var lines = [
            "Model: \(model)  (batch \(s.batch), \(s.threads) thread\(s.threads == 1 ? "" : "s"), GEMM \(gemm))",
            "Load: \(ms(loadSeconds)) (command start to model ready); first run \(ms(firstRunSeconds))",
            "Latency per batch: median \(ms(latency.median)), min \(ms(latency.min)), max \(ms(latency.max))"
                + "  (\(s.runs) runs after \(s.warmup) warm-up)",
            "Throughput: \(fixed(imagesPerSecond, 1)) images/s",
            "FLOPs: \(fixed(Double(flopsPerImage) / 1e9, 3)) GFLOP per image (conv + dense, 2 per multiply-add); "
                + "\(fixed(achievedGFLOPSPerSecond, 1)) GFLOP/s achieved",
        ]
        if let peak = gemmPeak, let implied = secondsAtGEMMPeak {
            let shapes = peak.shapes.map { "\($0.m)x\($0.n)x\($0.k) \(fixed($0.gflopsPerSecond, 1))" }.joined(separator: ", ")
            lines.append("GEMM peak: \(fixed(peak.gflopsPerSecond, 1)) GFLOP/s (m x n x k: \(shapes)); "
                         + "the model's FLOPs at that rate: \(ms(implied)) per batch")
        }
        var rss = "Memory: peak RSS \(mb(peakRSSBytes)) (\(fixed(memory.ratio(ofRSS: peakRSSBytes), 2))x target base)"
        if let after = peakRSSAfterLoadBytes {
            rss += ", after load \(mb(after)) (\(fixed(memory.ratio(ofRSS: after), 2))x)"
        }
        if let start = startRSSBytes {
            rss += "; \(mb(start)) before loading, \(fixed(memory.ratio(ofRSS: peakRSSBytes - start), 2))x above that"
        }
        lines.append(rss)
        lines.append("  weights \(mb(memory.weightBytes)), activation arena \(mb(memory.arenaBytes)), "
                     + "two largest activations \(mb(memory.twoLargestActivationsBytes)); "
                     + "target base (weights + two largest) \(mb(memory.targetBaseBytes))")
        if let profile { lines += profileLines(profile) }
        return lines.joined(separator: "\n")
    }

    private func profileLines(_ p: OpProfile) -> [String] {
        let coverage = 100 * p.totalSeconds / latency.median
        var lines = ["", "Profile: median of \(p.runs) timed runs per node; nodes sum to \(ms(p.totalSeconds)) "
                         + "(\(fixed(coverage, 1))% of the median latency)"]
        let kindWidth = max(4, p.kinds.map(\.kind.count).max() ?? 4)
        lines.append(column("kind", kindWidth) + right("nodes", 6) + right("ms", 10) + right("%", 7) + right("GFLOP/s", 9))
        for k in p.kinds {
            lines.append(column(k.kind, kindWidth) + right(String(k.nodes), 6) + right(fixed(k.seconds * 1000, 2), 10)
                         + right(fixed(k.percent, 1), 7) + right(k.gflopsPerSecond.map { fixed($0, 1) } ?? "-", 9))
        }
        lines += ["", "Slowest \(p.topNodes.count) nodes"]
        let nameWidth = min(40, max(4, p.topNodes.map(\.name.count).max() ?? 4))
        let shapeWidth = max(12, p.topNodes.map(\.outputShape.description.count).max() ?? 12)
        lines.append(column("node", nameWidth) + "  " + column("kind", kindWidth) + "  " + column("output", shapeWidth)
                     + right("ms", 10) + right("%", 7) + right("GFLOP/s", 9))
        for n in p.topNodes {
            lines.append(column(n.name, nameWidth) + "  " + column(n.kind, kindWidth) + "  " + column(n.outputShape.description, shapeWidth)
                         + right(fixed(n.seconds * 1000, 2), 10) + right(fixed(n.percent, 1), 7)
                         + right(n.gflopsPerSecond.map { fixed($0, 1) } ?? "-", 9))
        }
        return lines
    }
}

private func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
private func ms(_ seconds: Double) -> String { fixed(seconds * 1000, seconds < 0.01 ? 3 : 2) + " ms" }
private func mb(_ bytes: Int) -> String {
    bytes < 1_000_000 ? fixed(Double(bytes) / 1e3, 1) + " kB" : fixed(Double(bytes) / 1e6, 1) + " MB"
}
private func column(_ s: String, _ width: Int) -> String {
    s.count >= width ? String(s.prefix(width)) : s + String(repeating: " ", count: width - s.count)
}
private func right(_ s: String, _ width: Int) -> String {
    s.count >= width ? " " + s : String(repeating: " ", count: width - s.count) + s
}
