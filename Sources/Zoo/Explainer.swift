import Foundation
import ZooGraph
import ZooTensor
import ZooVision

/// A class activation map for one image with what is needed to draw it: the photo, the
/// model's top classes and the explained class's label.
public struct Explanation: Sendable {
    /// The activation map: one weight per cell of the explained layer's spatial grid.
    public var map: ActivationMap
    /// The explained class's label (nil for a model without labels).
    public var label: String?
    /// The model's top classes for the image, best first.
    public var top: [Prediction]
    /// The decoded photo.
    public var photo: RGBImage
    let pipeline: ImagePipeline

    /// The photo (the part the model sees, longer side `longSide`) with the map blended over
    /// it, a colour bar and the top classes in the corner.
    public func rendered(longSide: Int = 448) -> RGBImage {
        let shown = pipeline.displayed(photo, longSide: longSide)
        var captions = top.map { "\(String($0.label.prefix(22))) \(String(format: "%.2f", $0.score))" }
        captions.append("\(map.method == .cam ? "CAM" : "GRAD-CAM"): \(String((label ?? "class \(map.classIndex)").prefix(24)))")
        return MapOverlay().render(values: map.values, height: map.height, width: map.width, over: shown, captions: captions)
    }
}

/// Explains a model's decisions with class activation maps. Build one per model and reuse it
/// for many images (it prepares the gradient graph once). `Sendable`.
public final class Explainer: Sendable {
    /// The model explained.
    public let model: Model
    /// The map computer for the model's graph.
    public let mapper: ActivationMapper

    /// An explainer for `model`; throws when its graph has no classifier head to explain.
    public init(model: Model) throws {
        self.model = model
        mapper = try ActivationMapper(graph: model.graph, threads: 1)
    }

    /// The map of `image` for class `classIndex` (default: the top class), at `layer`
    /// (default: the last spatial layer) by `method` (default: CAM for a GAP + dense head).
    public func explain(_ image: ImageSource, classIndex: Int? = nil, method: ActivationMapMethod? = nil,
                        layer: String? = nil) throws -> Explanation {
        let pipeline = try model.requirePipeline()
        let photo = try image.decoded(pipeline.decodeOptions)
        let input = try pipeline.tensor(from: [photo])
        let map = try mapper.map(input, classIndex: classIndex, method: method, layer: layer)
        let top = model.labels == nil ? [] : try model.classify(.rgb(photo), top: 3)
        let label = model.labels.flatMap { map.classIndex < $0.count ? $0[map.classIndex].name : nil }
        return Explanation(map: map, label: label, top: top, photo: photo, pipeline: pipeline)
    }

    /// A class given as an index or as a label (case-insensitive, exact name), checked against the model.
    public func classIndex(_ spec: String) throws -> Int {
        let count = model.labels?.count
        if let k = Int(spec) {
            guard k >= 0, count.map({ k < $0 }) ?? true else {
                throw ZooError.badArgument("class \(k) is out of range: \(model.name) has \(count ?? 0) classes")
            }
            return k
        }
        if let match = model.labels?.classes.first(where: { $0.name.lowercased() == spec.lowercased() || $0.id == spec }) {
            return match.index
        }
        throw ZooError.badArgument("\(model.name) has no class called '\(spec)'")
    }
}

extension Model {
    /// The class activation map of one image (see `Explainer` to explain many).
    public func explain(_ image: ImageSource, class classIndex: Int? = nil, method: ActivationMapMethod? = nil,
                        layer: String? = nil) throws -> Explanation {
        try Explainer(model: self).explain(image, classIndex: classIndex, method: method, layer: layer)
    }
}
