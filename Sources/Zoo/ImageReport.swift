import Foundation
import ZooVision

/// One image's entry in `zoo predict --json` / `--jsonl` and the service's classify answer:
/// `{"file", "predictions": [{"rank", "index", "id", "label", "score"}]}` or `{"file", "error"}`.
/// The schema is stable and documented in the README.
public struct ImageReport: Codable, Sendable, Hashable {
    /// One ranked class.
    public struct Entry: Codable, Sendable, Hashable {
        /// Position in the top-k list, 1 for the best class.
        public var rank: Int
        /// The class's index in the model's output.
        public var index: Int
        /// The class's identifier (a WordNet id for ImageNet).
        public var id: String
        /// The class's human-readable label.
        public var label: String
        /// The class's probability.
        public var score: Float
    }

    /// The image's path or name, as given.
    public var file: String
    /// The top classes, best first; nil when the image failed.
    public var predictions: [Entry]?
    /// Why the image failed, in one line; nil when it was classified.
    public var error: String?

    /// The entry for an image's classification result.
    public init(file: String, result: ImageResult<[Prediction]>) {
        self.file = file
        switch result {
        case .success(let predictions):
            self.predictions = predictions.enumerated().map {
                Entry(rank: $0 + 1, index: $1.index, id: $1.id, label: $1.label, score: $1.score)
            }
        case .failure(let error):
            self.error = String(describing: error)
        }
    }

    /// The JSON of one entry on one line, keys sorted: a line of `--jsonl`.
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
