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
            `zoo embed --index pets.json examples/*/` indexes examples/cat/*.jpg as "cat" and so on.
            """)

    @OptionGroup var options: ImageModelOptions

    @Option(name: .long, help: "The layer whose output to take (default: the model's pooled features).")
    var layer: String?

    @Option(name: .shortAndLong, help: "The .npy file to write.")
    var output: String?

    @Option(name: .long, help: "An embedding index (.json) to create or add to, labels from the images' folder names.")
    var index: String?

    @OptionGroup var outputOptions: OutputOptions

    @Argument(help: "Image files or folders.")
    var images: [String]

    func validate() throws {
        guard output != nil || index != nil else { throw ValidationError("give -o OUT.npy, --index INDEX.json, or both") }
    }

    func run() throws {
        let inputs = images + [options.model] + [options.weights].compactMap { $0 }
        if let output { try OutputFile.check(output, inputs: inputs + [index].compactMap { $0 }, kind: .npy, force: outputOptions.force) }
        if let index { try OutputFile.check(index, inputs: inputs, kind: .other) }
        let model = try options.load()
        let files = try imageFiles(images)
        let features = try model.embed(files.map { .file($0.url) }, layer: layer)
        if let output { try NPY.write(features, to: URL(fileURLWithPath: output)) }
        if let index {
            let url = URL(fileURLWithPath: index)
            var existing = FileManager.default.fileExists(atPath: index) ? try EmbeddingIndex(contentsOf: url) : EmbeddingIndex(model: model.name)
            let paths = files.map(\.path)
            // Re-embedding an image replaces its entry.
            for path in paths { existing.remove(id: path) }
            let labels = files.map { $0.url.deletingLastPathComponent().lastPathComponent }
            let added = try EmbeddingIndex(embeddings: features, labels: labels, ids: paths)
            for entry in added.entries { try existing.add(entry.vector, label: entry.label, id: entry.id) }
            try existing.save(to: url)
        }
    }
}
