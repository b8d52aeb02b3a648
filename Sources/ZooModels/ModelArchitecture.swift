import ZooGraph
import ZooTensor

/// Every architecture zoo can build, whatever framework its weights come from: the one list
/// the manifests name in their `architecture` field. Keras applications carry their options
/// (input size, width, top); torchvision and EfficientNet-Lite read theirs from the state dict.
public enum ModelArchitecture: Sendable, Hashable, CustomStringConvertible {
    /// A keras.applications network, with `ArchitectureConfig`'s options.
    case keras(ArchitectureConfig)
    /// A torchvision network or EfficientNet-Lite0, imported from a `.pth` state dict.
    case torch(TorchArchitecture)
    /// A small residual CNN with random weights built in code, needing no weights file.
    case builtin(BuiltinArchitecture)

    /// Parses a manifest's `architecture` or an `--arch` value: `vgg16`, `mobilenetv2_0.35_96`,
    /// `tv-resnet18` (or torchvision's `resnet18`), `efficientnet-lite0`, `tiny-cnn`.
    /// Keras spellings win where both read a name (`resnet50` is Keras'; `tv-resnet50` torchvision's).
    public init(parsing text: String) throws(ArchitectureError) {
        if let builtin = BuiltinArchitecture(rawValue: text.lowercased()) {
            self = .builtin(builtin)
            return
        }
        do {
            self = .keras(try ArchitectureConfig(parsing: text))
        } catch .unknown {
            guard let torch = TorchArchitecture(parsing: text) else { throw ArchitectureError.unknown(text) }
            self = .torch(torch)
        }
    }

    /// The spelling `init(parsing:)` reads back.
    public var description: String {
        switch self {
        case .keras(let config): config.description
        case .torch(let arch): arch.rawValue
        case .builtin(let arch): arch.rawValue
        }
    }

    /// Whether `other` is this network up to the options a weights file decides (input size,
    /// top, MobileNetV2 width for Keras): what recognising a file's architecture compares.
    public func isSameNetwork(as other: ModelArchitecture) -> Bool {
        switch (self, other) {
        case let (.keras(a), .keras(b)): a.architecture == b.architecture && (a.architecture != .mobileNetV2 || a.alpha == b.alpha)
        default: self == other
        }
    }

    /// Every spelling the parser accepts for the networks themselves (without options), for messages.
    public static var knownNames: [String] {
        Architecture.allCases.map(\.rawValue) + TorchArchitecture.allCases.map(\.rawValue) + BuiltinArchitecture.allCases.map(\.rawValue)
    }
}

/// Architectures defined in code with random weights (fixed seed): for `zoo info`, `zoo bench`,
/// tests and trying every command without downloading anything.
public enum BuiltinArchitecture: String, CaseIterable, Sendable, Hashable {
    /// A few small convolutions and a classifier, for trying every command offline.
    case tinyCNN = "tiny-cnn"

    /// The graph, with its built-in weights.
    public func graph() throws -> Graph {
        switch self {
        case .tinyCNN: try TinyCNN.graph()
        }
    }
}
