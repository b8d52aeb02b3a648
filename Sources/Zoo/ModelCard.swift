import Foundation
import ZooFormat
import ZooVision

/// What a `.zoo` file records about the model besides its graph, so it classifies on its own:
/// the manifest's input, preprocessing, output kind and embedding layer (in `__metadata__`'s
/// `preprocessing`), and the class names (in `labels`).
struct ModelCard: Codable {
    var name: String
    var architecture: String
    var input: ModelManifest.Input
    var preprocessing: ModelManifest.PreprocessingSpec
    var output: String
    var embedding: String?

    init(_ m: ModelManifest) {
        name = m.name; architecture = m.architecture; input = m.input
        preprocessing = m.preprocessing; output = m.output; embedding = m.embedding
    }

    /// A manifest-shaped view, for building the image pipeline.
    func manifest() -> ModelManifest {
        ModelManifest(name: name, family: "", architecture: architecture, description: nil, input: input,
                      preprocessing: preprocessing, output: output, embedding: embedding, labels: "",
                      parameters: nil, weights: [], license: "")
    }

    static func metadata(_ manifest: ModelManifest, labels: ClassLabels?, provenance: String?) throws -> ZooFileMetadata {
        let card = String(decoding: try JSONEncoder().encode(ModelCard(manifest)), as: UTF8.self)
        let names = labels.map { l in l.classes.map { [$0.id, $0.name] } }
        let labelText = try names.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        return ZooFileMetadata(preprocessing: card, labels: labelText, provenance: provenance)
    }

    /// The card and labels stored in a `.zoo` file, if it has them.
    static func read(_ metadata: ZooFileMetadata) -> (ModelCard?, ClassLabels?) {
        let card = metadata.preprocessing.flatMap { try? JSONDecoder().decode(ModelCard.self, from: Data($0.utf8)) }
        let labels = metadata.labels
            .flatMap { try? JSONDecoder().decode([[String]].self, from: Data($0.utf8)) }
            .map { pairs in ClassLabels(pairs.map { (id: $0.first ?? "", name: $0.last ?? "") }) }
        return (card, labels)
    }
}
