import Foundation
import Testing
import Zoo
import ZooGraph
import ZooTestSupport

/// `zoo bench` on the built-in tiny-cnn (and its converted `.zoo`): the JSON fields, the
/// profile, and bad arguments. Timings are not checked, only that they are consistent.
extension CLITests {
    func benchJSON(_ arguments: [String]) throws -> [String: Any] {
        let r = try ZooExecutable.run(["bench"] + arguments + ["--json"])
        #expect(r.status == 0, "\(arguments): \(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        return try #require(object, "\(r.stdout)")
    }

    @Test func benchReportsLatencyFLOPsAndMemory() throws {
        let json = try benchJSON(["--model", "tiny-cnn", "--runs", "2", "--warmup", "1"])
        let graph = try Zoo.loadGraph("tiny-cnn")
        #expect(json["model"] as? String == "tiny-cnn")
        #expect(json["batch"] as? Int == 1 && json["runs"] as? Int == 2 && json["warmup"] as? Int == 1)
        #expect((json["threads"] as? Int ?? 0) >= 1)
        #expect(!(json["gemm"] as? String ?? "").isEmpty)
        let latency = try #require(json["latency_ms"] as? [String: Double])
        let (median, low, high) = (latency["median"] ?? -1, latency["min"] ?? -1, latency["max"] ?? -1)
        #expect(low > 0 && low <= median && median <= high, "\(latency)")
        let perSecond = try #require(json["images_per_second"] as? Double)
        #expect(abs(perSecond - 1000 / median) <= 0.01 * perSecond)
        #expect((json["load_ms"] as? Double ?? 0) > 0 && (json["first_run_ms"] as? Double ?? 0) > 0)
        // Every run in order, the warm-up first: its first entry is the first run, the others give the statistics.
        let runs = try #require(json["run_ms"] as? [Double])
        #expect(runs.count == 3 && runs[0] == json["first_run_ms"] as? Double)
        #expect(runs.dropFirst().min() == low && runs.dropFirst().max() == high)

        // FLOPs: the summary's conv + dense rows (two convolutions and the classifier).
        let rows = try graph.summary(batch: 1)
        let expected = zip(graph.nodes, rows).filter { if case .conv2d = $0.0.op { true } else if case .dense = $0.0.op { true } else { false } }
            .reduce(0) { $0 + $1.1.flops }
        #expect(abs((json["gflops_per_image"] as? Double ?? 0) - Double(expected) / 1e9) < 1e-6)

        let memory = try #require(json["memory"] as? [String: Any])
        let weights = memory["weight_bytes"] as? Int ?? 0
        #expect(weights == graph.parameterCount * 4)
        // The two largest activations of tiny-cnn: the 16x16x16 conv outputs, 16 KiB each.
        #expect(memory["two_largest_activations_bytes"] as? Int == 2 * 16 * 16 * 16 * 4)
        #expect(memory["target_base_bytes"] as? Int == weights + 2 * 16 * 16 * 16 * 4)
        #expect((memory["arena_bytes"] as? Int ?? 0) >= 2 * 16 * 16 * 16 * 4)
        let rss = memory["peak_rss_bytes"] as? Int ?? 0
        #expect(rss > 1_000_000, "a process is at least a megabyte")
        let ratio = memory["rss_ratio"] as? Double ?? 0
        #expect(abs(ratio - Double(rss) / Double(weights + 2 * 16 * 16 * 16 * 4)) < 0.01)
        #expect(json["profile"] == nil && json["gemm_peak"] == nil, "only measured when asked for")
    }

    @Test func benchRunsAConvertedFileAtAnyBatch() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny.zoo").path
        #expect(try ZooExecutable.run(["convert", "tiny-cnn", "-o", file]).status == 0)
        let json = try benchJSON(["--model", file, "--runs", "2", "--batch", "3", "--threads", "1"])
        #expect(json["batch"] as? Int == 3 && json["threads"] as? Int == 1)
        let memory = try #require(json["memory"] as? [String: Any])
        #expect(memory["two_largest_activations_bytes"] as? Int == 3 * 2 * 16 * 16 * 16 * 4)
    }

    @Test func benchProfileSplitsTheTimeByOpKind() throws {
        let json = try benchJSON(["--model", "tiny-cnn", "--runs", "2", "--profile", "--top", "2"])
        let profile = try #require(json["profile"] as? [String: Any])
        #expect(profile["runs"] as? Int == 2)
        let kinds = try #require(profile["kinds"] as? [[String: Any]])
        // Batch norm is folded and the activations fused: two convs (3x3 s2, 3x3), pool, dense, softmax.
        #expect(Set(kinds.compactMap { $0["kind"] as? String }) == ["conv 3x3 s2", "conv 3x3", "global pool", "dense", "softmax"])
        #expect(kinds.reduce(0) { $0 + ($1["nodes"] as? Int ?? 0) } == 5)
        let percent = kinds.reduce(0.0) { $0 + ($1["percent"] as? Double ?? 0) }
        #expect(abs(percent - 100) < 0.1, "\(percent)")
        let top = try #require(profile["top_nodes"] as? [[String: Any]])
        #expect(top.count == 2)
        #expect((top[0]["ms"] as? Double ?? 0) >= (top[1]["ms"] as? Double ?? 0))

        let text = try ZooExecutable.run(["bench", "--model", "tiny-cnn", "--runs", "2", "--profile"])
        #expect(text.status == 0, "\(text.stderr)")
        for expected in ["Latency per batch: median", "Profile:", "conv 3x3 s2", "Slowest 5 nodes", "block1_conv", "[1,16,16,16]"] {
            #expect(text.stdout.contains(expected), "\(expected) in \(text.stdout)")
        }
    }

    @Test func benchGEMMPeakReportsARateAndTheImpliedTime() throws {
        let json = try benchJSON(["--model", "tiny-cnn", "--runs", "1", "--warmup", "0", "--gemm-peak"])
        let peak = try #require(json["gemm_peak"] as? [String: Any])
        let rate = peak["gflops_per_second"] as? Double ?? 0
        #expect(rate > 0)
        let shapes = try #require(peak["shapes"] as? [[String: Any]])
        #expect(shapes.map { $0["gflops_per_second"] as? Double ?? 0 }.max() == rate)
        let implied = peak["implied_ms"] as? Double ?? -1
        // The rate is printed to 2 decimals and the FLOPs to 6, so allow their rounding (1%).
        let expected = (json["gflops_per_image"] as? Double ?? 0) / rate * 1000
        #expect(abs(implied - expected) <= max(1e-3, 0.01 * expected), "implied \(implied) ms, expected \(expected)")
    }

    @Test func benchBadArgumentsAreUsageErrors() throws {
        expectOneErrorLine(try ZooExecutable.run(["bench", "--model", "tiny-cnn", "--runs", "0"]), status: 2, containing: "--runs", "runs 0")
        expectOneErrorLine(try ZooExecutable.run(["bench", "--model", "tiny-cnn", "--batch", "0"]), status: 2, containing: "--batch", "batch 0")
        expectOneErrorLine(try ZooExecutable.run(["bench", "--model", "tiny-cnn", "--warmup", "-1"]), status: 2, containing: "--warmup", "warmup -1")
        expectOneErrorLine(try ZooExecutable.run(["bench", "--model", "tiny-cnn", "--weights", "w.h5"]), status: 1, containing: "w.h5", "no such file")
        expectOneErrorLine(try ZooExecutable.run(["bench"]), status: 2, containing: "--model", "no model")
        expectOneErrorLine(try ZooExecutable.run(["bench", "--model", "no-such-model"]), status: 1, containing: "no-such-model", "unknown model")
    }
}
