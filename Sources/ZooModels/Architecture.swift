import ZooGraph
import ZooKernels
import ZooTensor

/// The Keras-application architectures zoo defines in Swift, with keras.applications' layer
/// names and weight shapes. The raw value is the one spelling used everywhere (`--arch`).
public enum Architecture: String, CaseIterable, Sendable, Hashable {
    /// Keras `VGG16`.
    case vgg16
    /// Keras `VGG19`.
    case vgg19
    /// Keras `ResNet50` (v1).
    case resnet50
    /// Keras `ResNet101` (v1).
    case resnet101
    /// Keras `ResNet152` (v1).
    case resnet152
    /// Keras `MobileNetV2`, any published alpha and input size.
    case mobileNetV2 = "mobilenetv2"

    /// The sizes Keras publishes MobileNetV2 weights for.
    public static let mobileNetV2Alphas: [Double] = [0.35, 0.5, 0.75, 1.0, 1.3, 1.4]
    /// The input sizes Keras publishes MobileNetV2 weights for.
    public static let mobileNetV2InputSizes = [96, 128, 160, 192, 224]
}

/// An architecture with the choices keras.applications offers: input size, width multiplier
/// (MobileNetV2), classifier on or off, and global pooling when it is off.
public struct ArchitectureConfig: Sendable, Hashable, CustomStringConvertible {
    /// Which network.
    public var architecture: Architecture
    /// Height and width of the square input image.
    public var inputSize: Int
    /// MobileNetV2's width multiplier; 1 for the others.
    public var alpha: Double
    /// Keras `include_top`: the ImageNet classifier and its softmax.
    public var includeTop: Bool
    /// Keras `pooling` when `includeTop` is off: nil keeps the 4-D feature map.
    public var pooling: PoolKind?
    /// Output classes of the classifier (1000 for ImageNet).
    public var classes: Int

    /// A configuration; the defaults are keras.applications' (224, alpha 1, with the ImageNet classifier).
    public init(_ architecture: Architecture, inputSize: Int = 224, alpha: Double = 1.0, includeTop: Bool = true,
                pooling: PoolKind? = nil, classes: Int = 1000) {
        self.architecture = architecture
        self.inputSize = inputSize
        self.alpha = alpha
        self.includeTop = includeTop
        self.pooling = pooling
        self.classes = classes
    }

    /// Parses `--arch` values: the architecture's raw value, then `_`-separated options in any
    /// order: an alpha such as `0.35` (MobileNetV2), an input size such as `96`, `notop`, and
    /// `avg` or `max` (pooling, implies `notop`). Examples: `resnet50`, `vgg16_notop_avg`,
    /// `mobilenetv2_0.35_96`; `mobilenet_v2` is accepted too.
    public init(parsing text: String) throws(ArchitectureError) {
        var rest = text.lowercased().replacingOccurrences(of: "-", with: "_")
        if rest.hasPrefix("mobilenet_v2") { rest = "mobilenetv2" + rest.dropFirst("mobilenet_v2".count) }
        rest = rest.replacingOccurrences(of: "no_top", with: "notop")
        var tokens = rest.split(separator: "_").map(String.init)
        guard let head = tokens.first, let architecture = Architecture(rawValue: head) else {
            throw .unknown(text)
        }
        tokens.removeFirst()
        self.init(architecture)
        for token in tokens {
            if token == "notop" {
                includeTop = false
            } else if token == "avg" || token == "max" {
                includeTop = false
                pooling = token == "avg" ? .average : .max
            } else if token.contains("."), let value = Double(token), architecture == .mobileNetV2 {
                alpha = value
            } else if let size = Int(token) {
                inputSize = size
            } else {
                throw .badOption(text, token)
            }
        }
        try validate()
    }

    /// Canonical spelling, parseable by `init(parsing:)`.
    public var description: String {
        var parts = [architecture.rawValue]
        if architecture == .mobileNetV2 { parts.append(String(alpha)) }
        if architecture == .mobileNetV2 || inputSize != 224 { parts.append(String(inputSize)) }
        if !includeTop { parts.append("notop") }
        if let pooling { parts.append(pooling == .average ? "avg" : "max") }
        return parts.joined(separator: "_")
    }

    /// Checks the sizes the way keras.applications does (minimum input 32, positive alpha).
    public func validate() throws(ArchitectureError) {
        guard inputSize >= 32, inputSize <= 4096 else { throw .invalid(description, "input size must be 32...4096") }
        guard alpha > 0, alpha <= 8 else { throw .invalid(description, "alpha must be in (0, 8]") }
        guard classes > 0 else { throw .invalid(description, "classes must be positive") }
        if includeTop, pooling != nil { throw .invalid(description, "pooling applies only without the top") }
    }

    /// The model as Keras layers, named like keras.applications.
    public func kerasModel() throws -> KerasModel {
        try validate()
        switch architecture {
        case .vgg16: return try VGG.model(self, convolutionsPerBlock: VGG.vgg16Blocks)
        case .vgg19: return try VGG.model(self, convolutionsPerBlock: VGG.vgg19Blocks)
        case .resnet50: return try ResNet.model(self, stages: ResNet.resnet50Stages)
        case .resnet101: return try ResNet.model(self, stages: ResNet.resnet101Stages)
        case .resnet152: return try ResNet.model(self, stages: ResNet.resnet152Stages)
        case .mobileNetV2: return try MobileNetV2.model(self)
        }
    }

    /// Every layer's expected weights, in the order of the official weights files.
    public func weightsSpec() throws -> WeightsSpec { try kerasModel().weightsSpec() }

    /// The graph with the given weights (keyed by Keras layer name, in `weightsSpec` order).
    /// Input `input_layer` `[N, size, size, 3]`, output named after the last Keras layer.
    public func graph(weights: [String: [Tensor]]) throws -> Graph { try kerasModel().graph(weights: weights) }

    /// The variants a weights-only file can hold, for recognising one from its layers: every
    /// architecture with and without its top, and every published MobileNetV2 width.
    public static var recognitionCandidates: [ArchitectureConfig] {
        var result: [ArchitectureConfig] = []
        for architecture in Architecture.allCases {
            let alphas = architecture == .mobileNetV2 ? Architecture.mobileNetV2Alphas : [1.0]
            for alpha in alphas {
                for includeTop in [true, false] {
                    result.append(ArchitectureConfig(architecture, alpha: alpha, includeTop: includeTop))
                }
            }
        }
        return result
    }
}

/// A bad `--arch` value or architecture setting.
public enum ArchitectureError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A name that is no architecture.
    case unknown(String)
    /// An option in the text that the architecture does not have (the text, the option).
    case badOption(String, String)
    /// A setting the architecture does not allow (the text, why).
    case invalid(String, String)

    /// The problem in one line.
    public var description: String {
        switch self {
        case .unknown(let text):
            "unknown architecture '\(text)' (known: \(Architecture.allCases.map(\.rawValue).joined(separator: ", ")))"
        case let .badOption(text, token): "architecture '\(text)': unknown option '\(token)'"
        case let .invalid(text, detail): "architecture '\(text)': \(detail)"
        }
    }
}
