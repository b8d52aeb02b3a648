import ZooTensor

/// The `.zoo` file: a safetensors file (8-byte little-endian header size, JSON header,
/// tensor bytes) whose `__metadata__` holds the graph and what a model needs around it.
///
/// - Every tensor starts 64 bytes into an aligned boundary of the file: the header is padded
///   with spaces, and gaps between tensors are filled by `U8` tensors named `__zoo_pad_N__`
///   (safetensors wants the tensors to cover the data without holes).
/// - `__metadata__` keys: `format` ("zoo"), `format_version` ("1.1"), `graph` (JSON of
///   `GraphDescription`), `preprocessing`, `labels`, `provenance` (JSON strings).
/// - A file written with `--bf16` is format 1.2: its conv and dense weights are `BF16`, most
///   packed in the panels the bf16 kernels stream, which `bf16_panels` lists (`BF16PanelsMetadata`).
public enum ZooFileFormat {
    /// The `format` metadata value that marks a `.zoo` file.
    public static let formatName = "zoo"
    /// The format's major version: a reader refuses files of another.
    public static let majorVersion = 1
    /// The format's minor version: additions older readers may ignore. 1.1 records which
    /// convolutions and poolings pad Keras' `same` way (`paddingRule`), so a network converted
    /// from Keras follows other input sizes exactly; a 1.0 file keeps its saved pads.
    public static let minorVersion = 1
    /// "major.minor", as written into each file.
    public static var version: String { "\(majorVersion).\(minorVersion)" }
    /// The version of files holding bfloat16 weights (`BF16` tensors, `bf16_panels`): 1.2, so a
    /// reader of 1.1 names the version it does not know instead of an unknown dtype. Files without
    /// them stay `version`, readable by older zoos.
    public static let bf16Version = "\(majorVersion).2"

    /// Whether a file of format `version` ("major.minor") records less than this zoo writes:
    /// converting its source again would give a more complete file.
    public static func isOlder(_ version: String) -> Bool {
        let parts = version.split(separator: ".").map { Int($0) ?? 0 }
        let major = parts.first ?? 0, minor = parts.count > 1 ? parts[1] : 0
        return (major, minor) < (majorVersion, minorVersion)
    }
    static let alignment = 64
    /// Larger headers are refused before reading them (safetensors' own limit is 100 MB).
    static let maxHeaderBytes = 100_000_000
    static let paddingPrefix = "__zoo_pad_"

    static func safetensorsName(_ dtype: DType) -> String {
        switch dtype {
        case .float32: "F32"
        case .float64: "F64"
        case .float16: "F16"
        case .bfloat16: "BF16"
        case .int64: "I64"
        case .int32: "I32"
        case .uint8: "U8"
        }
    }

    static func dtype(safetensorsName name: String) -> DType? {
        switch name {
        case "F32": .float32
        case "F64": .float64
        case "F16": .float16
        case "BF16": .bfloat16
        case "I64": .int64
        case "I32": .int32
        case "U8": .uint8
        default: nil
        }
    }
}

/// What a `.zoo` file carries besides the graph: opaque JSON strings that the layers above
/// interpret (preprocessing, labels) and where the model came from.
public struct ZooFileMetadata: Sendable, Equatable {
    /// How images become the input (JSON), or nil.
    public var preprocessing: String?
    /// The class labels (JSON), or nil.
    public var labels: String?
    /// Where the model came from and how it was converted (JSON), or nil.
    public var provenance: String?
    /// Metadata with these parts; each may be left out.
    public init(preprocessing: String? = nil, labels: String? = nil, provenance: String? = nil) {
        self.preprocessing = preprocessing; self.labels = labels; self.provenance = provenance
    }
}
