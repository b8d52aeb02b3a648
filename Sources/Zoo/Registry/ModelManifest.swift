import Foundation
import ZooFetch
import ZooModels
import ZooVision

/// A zoo model's manifest (`zoo/manifests/NAME.json`, or `$ZOO_HOME/manifests/NAME.json` for a
/// team's own): the architecture it builds, the input and how images become it, the output,
/// the labels, and where the weights come from. Every field that is a choice decodes into an
/// enum, so a misspelt value is an error naming the manifest, not a string compared later.
public struct ModelManifest: Codable, Sendable {
    /// The model's image input.
    public struct Input: Codable, Sendable, Hashable {
        /// The graph input's name.
        public var name: String
        /// Height and width of the square input.
        public var size: Int
        /// The source framework's layout: NCHW for PyTorch and ONNX, NHWC for Keras.
        public var layout: ImageLayout
    }

    /// What the first graph output holds.
    public enum Output: String, Codable, Sendable {
        /// Scores before softmax (applied when classifying).
        case logits
        /// Softmax already applied in the graph.
        case probabilities
    }

    /// The model's name in `zoo list` and on the command line.
    public var name: String
    /// Who publishes the weights: "Keras applications", "torchvision", ...
    public var family: String
    /// The network `zoo` builds (see `ModelArchitecture` for the spellings).
    public var architecture: ModelArchitecture
    /// One line about the model, for `zoo list`.
    public var description: String?
    /// The image input's name, size and layout.
    public var input: Input
    /// How an image becomes the input tensor.
    public var preprocessing: PreprocessingSpec
    /// Whether the first output holds logits or probabilities.
    public var output: Output
    /// Name of the graph value holding the pooled features (`embed`'s default layer).
    public var embedding: String?
    /// Label file in the zoo (e.g. `imagenet_classes.json`).
    public var labels: String
    /// Parameter count as the publisher states it (Keras `count_params()`, torchvision's meta).
    public var parameters: Int?
    /// Where the weights can be had; empty for built-in architectures.
    public var weights: [WeightSource]
    /// The weights' licence, as the publisher states it.
    public var license: String

    /// Whether the weights come with zoo itself (built in code), so nothing is fetched.
    public var hasBuiltinWeights: Bool {
        if case .builtin = architecture { return true }
        return false
    }

    /// The image pipeline this manifest describes.
    public func pipeline(appliesEXIFOrientation: Bool = true) throws -> ImagePipeline {
        try preprocessing.pipeline(input: input, appliesEXIFOrientation: appliesEXIFOrientation, model: name)
    }
}

extension ModelArchitecture: Codable {
    /// Reads an architecture from its manifest spelling.
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Writes the architecture's manifest spelling.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
