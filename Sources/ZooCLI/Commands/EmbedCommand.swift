import ArgumentParser
import Foundation
import Zoo
import ZooTensor

/// `zoo embed`: pooled features, one row per image, as a float32 `.npy`, and/or an embedding
/// index (`EmbeddingIndex`) for few-shot classification, labelled by each image's folder.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed", abstract: "Write image embeddings (pooled features), one row per image, as .npy.",
        discussion: """
            With --index FILE.json the embeddings also go into an embedding index (created, or added to when \
            FILE.json exists), each labelled by the name of its image's folder and named by its path: \
            `zoo embed --index pets.json examples/` indexes examples/cat/*.jpg as "cat" and so on (an ImageFolder tree). \
            With --shard, or when an image fails, OUT.npy comes with OUT.npy.rows.tsv: each row's position in the \
            whole list and its path; `zoo embed --merge -o ALL.npy PART.npy...` joins such parts back in list order.
            """)

    @OptionGroup var options: ModelOptions

    @OptionGroup var input: ImageInputOptions

    @Option(name: .long, help: "The layer whose output to take (default: the model's pooled features).")
    var layer: String?

    @Option(name: .shortAndLong, help: "The .npy file to write.")
    var output: String?

    @Option(name: .long, help: "An embedding index (.json) to create or add to, labels from the images' folder names.")
    var index: String?

    @Flag(name: .long, help: "Print one JSON object per image ({\"file\", \"embedding\"} or {\"file\", \"error\"}) as soon as it is done.")
    var jsonl = false

    @Flag(name: .long, help: "Join part files written with --shard (the arguments) into -o, in list order.")
    var merge = false

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard output != nil || index != nil || jsonl else { throw ValidationError("give -o OUT.npy, --index INDEX.json or --jsonl") }
        if merge { guard output != nil, index == nil, !jsonl else { throw ValidationError("--merge writes -o OUT.npy only") } }
    }

    func run() throws {
        let inputs = input.images + [options.model, options.weights, input.list].compactMap { $0 }
        if merge {
            try OutputFile.check(output!, inputs: inputs, kind: .npy, force: outputOptions.force)
            return try EmbeddingParts.merge(input.images, into: URL(fileURLWithPath: output!))
        }
        if let output { try OutputFile.check(output, inputs: inputs + [index].compactMap { $0 }, kind: .npy, force: outputOptions.force) }
        if let index { try OutputFile.check(index, inputs: inputs, kind: .other) }
        let model = try options.load()
        let images = try input.stream()
        let keepRows = try input.parsedShard() != .whole
        let progress = StepProgressBar(label: "embedding")
        // Rows go to the file as they come; only an index, which is one JSON document, gathers them.
        let part = output.map { EmbeddingPartWriter(url: URL(fileURLWithPath: $0)) }
        var indexed: [(path: String, vector: [Float])] = []
        var failures = 0
        var done = 0
        try model.forEachEmbedding(of: images.sources, layer: layer, batchSize: input.batch) { _, result in
            let (position, path) = images.nextResult()
            switch result {
            case .success(let vector):
                try part?.append(vector, position: position, path: path)
                if index != nil { indexed.append((path, vector)) }
                if jsonl { printLine(EmbeddingLine(file: path, embedding: vector, error: nil).json) }
            case .failure(let error):
                failures += 1
                if jsonl { printLine(EmbeddingLine(file: path, embedding: nil, error: String(describing: error)).json) }
                progress.clear()
                reportError(String(describing: error))
            }
            done += 1
            progress.update(done, of: images.count)
        }
        progress.finish()
        // Nothing embedded, nothing written: a failed run leaves no output behind.
        try part?.commit(keepRows: keepRows || failures > 0)
        if let index {
            let width = indexed.first?.vector.count ?? 0
            let features = Tensor(shape: [indexed.count, width], floats: indexed.flatMap(\.vector))
            try addToIndex(URL(fileURLWithPath: index), features: features, paths: indexed.map(\.path), model: model.name)
        }
        if failures > 0 { throw ExitCode(1) }
    }

    private func addToIndex(_ url: URL, features: Tensor, paths: [String], model: String) throws {
        var existing = FileManager.default.fileExists(atPath: url.path) ? try EmbeddingIndex(contentsOf: url) : EmbeddingIndex(model: model)
        // Re-embedding an image replaces its entry.
        for path in paths { existing.remove(id: path) }
        let labels = paths.map { URL(fileURLWithPath: $0).deletingLastPathComponent().lastPathComponent }
        let added = try EmbeddingIndex(embeddings: features, labels: labels, ids: paths)
        for entry in added.entries { try existing.add(entry.vector, label: entry.label, id: entry.id) }
        try existing.save(to: url)
    }
}

/// One line of `zoo embed --jsonl`.
struct EmbeddingLine: Encodable {
    var file: String
    var embedding: [Float]?
    var error: String?

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? ""
    }
}
