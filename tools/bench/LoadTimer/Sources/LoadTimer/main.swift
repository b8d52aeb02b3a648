// zoo-load-timer MODEL [--input x.npy] [--repeat N]
// zoo-load-timer --breakdown MODEL.zoo [--repeat N]
//
// Prints one JSON object: how long each phase of loading MODEL takes inside one process,
// for the first load (what a fresh process pays) and for N further loads in the same process,
// then (with --input) the first and second inference, since a memory-mapped .zoo pays for
// reading its weights (page faults) during the first run rather than at load.
// With ZOO_BENCH_SPAWN_NS set to the parent's CLOCK_MONOTONIC reading just before it started
// this process, also prints the time from spawn to main (exec, dynamic linking, runtime start).
// --breakdown repeats the steps of `ZooFile.load` (Sources/ZooFormat/ZooFile.swift) with a
// timestamp between each, to show where a .zoo load's time goes; it also times decoding the
// same header with JSONDecoder instead of JSONSerialization, as a possible cheaper route.
import Foundation
import Zoo
import ZooGraph
import ZooTensor

#if canImport(Glibc)
import Glibc
#endif

func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

let mainStart = monotonicNanoseconds()

func ms(_ from: UInt64, _ to: UInt64) -> Double { Double(to &- from) / 1e6 }

struct Phases {
    var importGraph = 0.0   // ModelLoader.loadGraph(optimize: false): ZooFile.load / ONNXImporter
    var optimize = 0.0      // GraphOptimizer.optimize
    var executorInit = 0.0  // Executor(graph:) (widens float16 constants; float32 ones are shared)
    var plan = 0.0          // Executor.plan(batch: 1): shapes, kernel geometry, arena layout
    var total: Double { importGraph + optimize + executorInit + plan }
    var json: [String: Double] {
        ["import_graph_ms": importGraph, "optimize_ms": optimize, "executor_init_ms": executorInit, "plan_ms": plan, "total_ms": total]
    }
}

func load(_ path: String) throws -> (Phases, Executor) {
    var p = Phases()
    let t0 = monotonicNanoseconds()
    let raw = try ModelLoader.loadGraph(path, optimize: false)
    let t1 = monotonicNanoseconds()
    let graph = GraphOptimizer.optimize(raw)
    let t2 = monotonicNanoseconds()
    let executor = Executor(graph: graph)
    let t3 = monotonicNanoseconds()
    _ = try executor.plan(batch: 1)
    let t4 = monotonicNanoseconds()
    p.importGraph = ms(t0, t1); p.optimize = ms(t1, t2); p.executorInit = ms(t2, t3); p.plan = ms(t3, t4)
    return (p, executor)
}

/// Removes `name VALUE` from `args` and returns VALUE.
func option(_ name: String, in args: inout [String]) -> String? {
    guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
    let value = args[i + 1]
    args.removeSubrange(i...(i + 1))
    return value
}

func measure(start mainStart: UInt64) throws -> [String: Any] {
    var args = Array(CommandLine.arguments.dropFirst())
    let inputPath = option("--input", in: &args)
    let repeats = Int(option("--repeat", in: &args) ?? "5") ?? 5
    guard args.count == 1 else {
        FileHandle.standardError.write("usage: zoo-load-timer MODEL [--input x.npy] [--repeat N]\n".data(using: .utf8)!)
        exit(2)
    }
    let modelPath = args[0]
    var result: [String: Any] = ["model": modelPath]
    if let spawn = ProcessInfo.processInfo.environment["ZOO_BENCH_SPAWN_NS"].flatMap(UInt64.init) {
        result["spawn_to_main_ms"] = ms(spawn, mainStart)
    }
    let (first, executor) = try load(modelPath)
    result["first"] = first.json
    result["main_to_ready_ms"] = ms(mainStart, monotonicNanoseconds())
    if let inputPath {
        let x = try NPY.read(contentsOf: URL(fileURLWithPath: inputPath))
        let name = executor.graph.values[executor.graph.inputs[0]].name
        let r0 = monotonicNanoseconds()
        _ = try executor.run([name: x])
        let r1 = monotonicNanoseconds()
        _ = try executor.run([name: x])
        let r2 = monotonicNanoseconds()
        result["run1_ms"] = ms(r0, r1)
        result["run2_ms"] = ms(r1, r2)
    }
    var again: [[String: Double]] = []
    for _ in 0..<repeats { again.append(try load(modelPath).0.json) }
    result["repeat"] = again
    // The public API end to end, for comparison: Zoo.load(file:) (no plan until the first run).
    var api: [Double] = []
    for _ in 0..<repeats {
        let t0 = monotonicNanoseconds()
        _ = try Zoo.load(file: URL(fileURLWithPath: modelPath))
        api.append(ms(t0, monotonicNanoseconds()))
    }
    result["zoo_load_file_ms"] = api
    return result
}

do {
    let result = CommandLine.arguments.dropFirst().first == "--breakdown" ? try breakdown() : try measure(start: mainStart)
    let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
    print(String(decoding: data, as: UTF8.self))
} catch {
    FileHandle.standardError.write("zoo-load-timer: \(error)\n".data(using: .utf8)!)
    exit(1)
}

/// One entry of a safetensors header, decoded with JSONDecoder: either `__metadata__`
/// (strings to strings) or a tensor (dtype, shape, data_offsets).
enum HeaderItem: Decodable {
    case metadata([String: String])
    case tensor(dtype: String, shape: [Int], offsets: [Int])
    private enum Keys: String, CodingKey { case dtype, shape, data_offsets }
    init(from decoder: Decoder) throws {
        let keyed = try decoder.container(keyedBy: Keys.self)
        if keyed.contains(.dtype) {
            self = .tensor(dtype: try keyed.decode(String.self, forKey: .dtype), shape: try keyed.decode([Int].self, forKey: .shape),
                           offsets: try keyed.decode([Int].self, forKey: .data_offsets))
        } else {
            self = .metadata(try decoder.singleValueContainer().decode([String: String].self))
        }
    }
}

func breakdown() throws -> [String: Any] {
    var args = Array(CommandLine.arguments.dropFirst(2))
    let repeats = Int(option("--repeat", in: &args) ?? "5") ?? 5
    guard args.count == 1 else {
        FileHandle.standardError.write("usage: zoo-load-timer --breakdown MODEL.zoo [--repeat N]\n".data(using: .utf8)!)
        exit(2)
    }
    let url = URL(fileURLWithPath: args[0])
    var rows: [[String: Double]] = []
    for _ in 0..<(repeats + 1) {
        let t0 = monotonicNanoseconds()
        let file = try MappedFile(url: url)
        let t1 = monotonicNanoseconds()
        // SafetensorsHeader.init: copy the header into Data, check UTF-8, JSONSerialization.
        let headerLength = Int(file.bytes.loadUnaligned(as: UInt64.self).littleEndian)
        let headerData = Data(bytes: file.bytes + 8, count: headerLength)
        guard String(data: headerData, encoding: .utf8) != nil else { throw CocoaError(.fileReadCorruptFile) }
        let t2 = monotonicNanoseconds()
        let object = try JSONSerialization.jsonObject(with: headerData) as! [String: Any]
        let meta = object["__metadata__"] as! [String: String]
        var entries: [String: (begin: Int, shape: [Int], dtype: String)] = [:]
        for (name, raw) in object where name != "__metadata__" {
            let fields = raw as! [String: Any]
            entries[name] = ((fields["data_offsets"] as! [Int])[0], fields["shape"] as! [Int], fields["dtype"] as! String)
        }
        let t3 = monotonicNanoseconds()
        // ZooFile.load: the graph JSON (a string inside __metadata__) through JSONDecoder.
        let description = try JSONDecoder.graphJSON.decode(GraphDescription.self, from: meta["graph"]!.data(using: .utf8)!)
        let t4 = monotonicNanoseconds()
        // GraphDescription.graph: GraphBuilder with shape inference, constants borrowed from the map.
        let dataStart = 8 + headerLength
        let graph = try description.graph { value in
            let e = entries[value.name]!
            let dtype = DType(rawValue: value.dtype)!
            return file.tensor(shape: Shape(e.shape), dtype: dtype, offset: dataStart + e.begin)!
        }
        let t5 = monotonicNanoseconds()
        _ = GraphOptimizer.optimize(graph)
        let t6 = monotonicNanoseconds()
        // The alternative: the whole header through JSONDecoder (FoundationEssentials' parser).
        let decoded = try JSONDecoder().decode([String: HeaderItem].self, from: headerData)
        let t7 = monotonicNanoseconds()
        precondition(decoded.count == object.count)
        rows.append(["mmap_ms": ms(t0, t1), "header_copy_utf8_ms": ms(t1, t2), "header_jsonserialization_ms": ms(t2, t3),
                     "graph_jsondecoder_ms": ms(t3, t4), "graph_builder_ms": ms(t4, t5), "optimize_ms": ms(t5, t6),
                     "alt_header_jsondecoder_ms": ms(t6, t7), "header_bytes": Double(headerLength),
                     "graph_json_bytes": Double(meta["graph"]!.utf8.count)])
    }
    return ["model": url.path, "first": rows[0], "repeat": Array(rows.dropFirst())]
}
