import ArgumentParser
import Foundation
import Zoo
import ZooGraph

/// `zoo info M`: layers, output shapes, parameters and FLOPs, like Keras' `summary()`.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show a model's layers, shapes, parameter count and FLOPs.")

    @Argument(help: "A zoo model name, tiny-cnn, or a model file (or give --model).")
    var name: String?

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: "Batch size for shapes and FLOPs.")
    var batch = 1

    func validate() throws {
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard name != nil || options.model != nil else { throw ValidationError("name the model: zoo info M, or --model M") }
    }

    func run() throws {
        // Parameters are counted as the source framework does, before batch norms are folded.
        var sourceOptions = options.loadOptions
        sourceOptions.optimize = false
        let source = try Zoo.architectureGraph(name ?? options.model ?? ModelOptions.defaultModel, options: sourceOptions)
        let graph = options.noOptimize ? source : GraphOptimizer.optimize(source)
        let rows = try graph.summary(batch: batch)
        let geometry = try graph.layerGeometry(batch: batch)
        let plan = try Executor(graph: graph, threads: 1).plan(batch: batch)
        print("Model: \(graph.name)")
        for id in graph.inputs {
            print("Input  \(graph.values[id].name): \(graph.values[id].shape) \(graph.values[id].dtype)")
        }
        for out in graph.outputs { print("Output \(out.name): \(plan.shapes[out.value])") }
        let nameWidth = min(40, max(10, rows.map(\.name.count).max() ?? 10))
        let opWidth = min(28, max(6, rows.map(\.op.count).max() ?? 6))
        print(pad("Layer", nameWidth) + "  " + pad("Op", opWidth) + "  " + pad("Output shape", 20) + "  " + pad("Params", 11) + "  " + pad("RF", 7) + "  Size arithmetic")
        print(String(repeating: "-", count: nameWidth + opWidth + 40))
        for (row, g) in zip(rows, geometry) {
            print(pad(row.name, nameWidth) + "  " + pad(row.op, opWidth) + "  " + pad(row.outputShape.description, 20) + "  "
                  + pad(grouped(row.parameters), 11) + "  " + pad(g.receptiveField?.description ?? "", 7) + "  " + (g.arithmetic ?? ""))
        }
        print(String(repeating: "-", count: nameWidth + opWidth + 40))
        print("Layers: \(rows.count)")
        print("Parameters: \(grouped(source.sourceParameterCount(countsRunningStatistics: countsRunningStatistics)))")
        if source.holdsBF16Weights {
            let (stored, packed) = (source.values.count { $0.constant?.dtype == .bfloat16 }, source.bf16PanelCount)
            print("Weights: bf16\(packed > 0 ? " packed" : "") (zoo convert --bf16: conv and dense weights in bfloat16, "
                  + "\(packed) of \(stored) in the bf16 kernels' panels)")
        }
        print("FLOPs (batch \(batch)): \(grouped(rows.reduce(0) { $0 + $1.flops }))")
        print("Peak activation memory (batch \(batch)): \(grouped(plan.peakActivationBytes)) bytes")
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? String(s.prefix(width)) : s + String(repeating: " ", count: width - s.count)
    }
}

/// 1234567 -> "1,234,567".
func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
}
