import Foundation
import ZooFormat
import ZooVision

/// What a `.zoo` file records about the model besides its graph, so it classifies on its own:
/// the manifest's input, preprocessing, output kind and embedding layer (in `__metadata__`'s
/// `preprocessing`), and the class names (in `labels`).
struct ModelCard: Codable {
    var name: String
    /// The architecture it was built as, or the model it was fine-tuned from: for people.
    var architecture: String
    var input: ModelManifest.Input
    var preprocessing: PreprocessingSpec
    var output: ModelManifest.Output
    var embedding: String?

    init(name: String, architecture: String, input: ModelManifest.Input, preprocessing: PreprocessingSpec,
         output: ModelManifest.Output, embedding: String?) {
        self.name = name; self.architecture = architecture; self.input = input
        self.preprocessing = preprocessing; self.output = output; self.embedding = embedding
    }

    init(_ m: ModelManifest) {
        self.init(name: m.name, architecture: m.architecture.description, input: m.input, preprocessing: m.preprocessing,
                  output: m.output, embedding: m.embedding)
    }

    func pipeline(appliesEXIFOrientation: Bool) throws -> ImagePipeline {
        try preprocessing.pipeline(input: input, appliesEXIFOrientation: appliesEXIFOrientation, model: name)
    }

    /// The `.zoo` metadata holding this card, the labels' `[id, name]` pairs and provenance JSON.
    func metadata(labels: ClassLabels?, provenance: String?) throws -> ZooFileMetadata {
        let card = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
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
