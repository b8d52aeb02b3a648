import ArgumentParser
import Foundation
import Zoo
import ZooGraph
import ZooTensor

/// `zoo infer`: raw tensors in and out, no preprocessing, for checks against other frameworks.
struct InferCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "infer", abstract: "Run a model on .npy tensors and write its outputs as .npy.")

    @OptionGroup var options: ModelOptions

    @Option(name: .long, help: "An input tensor: [NAME=]x.npy (the name may be left out for a single-input model).")
    var input: [String] = []

    @Option(name: .shortAndLong, help: "Where to write an output: [NAME=]y.npy (the name may be left out for a single-output model).")
    var output: [String] = []

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard !input.isEmpty else { throw ValidationError("give at least one --input [NAME=]x.npy") }
        guard !output.isEmpty else { throw ValidationError("give at least one -o [NAME=]y.npy") }
        guard options.model != nil else { throw ValidationError("name the model with --model M") }
    }

    func run() throws {
        let inputPaths = input.map { spec in spec.firstIndex(of: "=").map { String(spec[spec.index(after: $0)...]) } ?? spec }
        for spec in output {
            let path = spec.firstIndex(of: "=").map { String(spec[spec.index(after: $0)...]) } ?? spec
            try OutputFile.check(path, inputs: inputPaths + [options.model ?? ""] + input + output.filter { $0 != spec },
                                 kind: .npy, force: outputOptions.force)
        }
        let model = try options.load()
        let graph = model.graph
        let inputNames = graph.inputs.map { graph.values[$0].name }
        var feeds: [String: Tensor] = [:]
        for spec in input {
            let (name, path) = try binding(spec, names: inputNames, kind: "input")
            var tensor = try NPY.read(contentsOf: URL(fileURLWithPath: path))
            if tensor.dtype == .float64 || tensor.dtype == .float16 { tensor = tensor.converted(to: .float32) }
            feeds[name] = tensor
        }
        // A bare output path is the model's own (first) output, whatever else rides along (the embedding).
        let outputNames = graph.outputs.map(\.name)
        let targets = try output.map { try binding($0, names: outputNames, kind: "output", bare: outputNames[0]) }
        // Check every output folder before running, so a bad path costs no inference.
        for (_, path) in targets {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
                throw CLIError("\(path): the folder \(folder.path) does not exist")
            }
        }
        let results = try model.run(feeds)
        for (name, path) in targets {
            guard let tensor = results[name] else { continue }
            try NPY.write(tensor, to: URL(fileURLWithPath: path))
        }
    }

    /// Splits `NAME=path`; a bare path binds to `bare`, or to the only name there is.
    private func binding(_ spec: String, names: [String], kind: String, bare: String? = nil) throws -> (String, String) {
        if let eq = spec.firstIndex(of: "="), names.contains(String(spec[..<eq])) {
            return (String(spec[..<eq]), String(spec[spec.index(after: eq)...]))
        }
        if let bare { return (bare, spec) }
        guard names.count == 1 else {
            throw ValidationError("the model has \(kind)s \(names.joined(separator: ", ")): write \(spec) as NAME=\(spec)")
        }
        return (names[0], spec)
    }
}
