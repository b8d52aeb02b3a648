/// How a class activation map is computed.
public enum ActivationMapMethod: String, Sendable, Hashable, CaseIterable, Codable {
    /// Class Activation Mapping (Zhou et al. 2016): the class's dense weights times the
    /// feature maps that global average pooling reduces. Exact for a GAP + dense head.
    case cam
    /// Grad-CAM (Selvaraju et al. 2017): feature maps weighted by the spatial mean of the class
    /// score's gradient with respect to them. Works at any layer and any head.
    case gradcam
}

/// A class activation map for one image: what made the network say `classIndex`.
public struct ActivationMap: Sendable, Hashable {
    /// `height * width` values, row-major, at the layer's resolution, after the ReLU and before
    /// any normalisation or upsampling (so they compare number for number with other tools).
    public var values: [Float]
    /// Rows of the map (the layer's height).
    public var height: Int
    /// Columns of the map (the layer's width).
    public var width: Int
    /// The graph value (layer) the map was taken at.
    public var layer: String
    /// The class explained, an index into the model's outputs.
    public var classIndex: Int
    /// How the map was computed (CAM or Grad-CAM).
    public var method: ActivationMapMethod
    /// The class's score before softmax (the logit the map explains).
    public var score: Float

    /// A map of `height * width` values; see the properties for each argument.
    public init(values: [Float], height: Int, width: Int, layer: String, classIndex: Int,
                method: ActivationMapMethod, score: Float) {
        precondition(values.count == height * width, "\(values.count) values for a \(height)x\(width) map")
        self.values = values; self.height = height; self.width = width
        self.layer = layer; self.classIndex = classIndex; self.method = method; self.score = score
    }
}
