/// JSON form: `{"type": "clip", "min": 0, "max": 6}`; parameterless activations carry only `type`.
extension Activation: Codable {
    private enum Keys: String, CodingKey { case type, min, max, alpha, beta }

    /// Reads an activation from its JSON form.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "none": self = .none
        case "relu": self = .relu
        case "relu6": self = .relu6
        case "clip": self = .clip(min: try c.decode(Float.self, forKey: .min), max: try c.decode(Float.self, forKey: .max))
        case "leaky_relu": self = .leakyRelu(alpha: try c.decode(Float.self, forKey: .alpha))
        case "sigmoid": self = .sigmoid
        case "hard_sigmoid": self = .hardSigmoid(alpha: try c.decode(Float.self, forKey: .alpha), beta: try c.decode(Float.self, forKey: .beta))
        case "hard_swish": self = .hardSwish
        case "keras_relu":
            self = .kerasReLU(maxValue: try c.decodeIfPresent(Float.self, forKey: .max),
                              negativeSlope: try c.decode(Float.self, forKey: .alpha), threshold: try c.decode(Float.self, forKey: .beta))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown activation '\(other)'")
        }
    }

    /// Writes the activation's JSON form.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .none: try c.encode("none", forKey: .type)
        case .relu: try c.encode("relu", forKey: .type)
        case .relu6: try c.encode("relu6", forKey: .type)
        case let .clip(lo, hi):
            try c.encode("clip", forKey: .type); try c.encode(lo, forKey: .min); try c.encode(hi, forKey: .max)
        case let .leakyRelu(alpha):
            try c.encode("leaky_relu", forKey: .type); try c.encode(alpha, forKey: .alpha)
        case .sigmoid: try c.encode("sigmoid", forKey: .type)
        case let .hardSigmoid(alpha, beta):
            try c.encode("hard_sigmoid", forKey: .type); try c.encode(alpha, forKey: .alpha); try c.encode(beta, forKey: .beta)
        case .hardSwish: try c.encode("hard_swish", forKey: .type)
        case let .kerasReLU(maxValue, slope, threshold):
            try c.encode("keras_relu", forKey: .type); try c.encodeIfPresent(maxValue, forKey: .max)
            try c.encode(slope, forKey: .alpha); try c.encode(threshold, forKey: .beta)
        }
    }
}
