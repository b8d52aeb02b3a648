import Foundation
import Testing
import Zoo
import ZooGraph
import ZooTensor
import ZooTestSupport
import ZooVision

/// Class activation maps of the real EfficientNet-Lite0 (cached by tools/setup): a pointing
/// test on a mosaic of the sample photos, and the model-randomisation sanity check of
/// Adebayo et al. 2018.
@Suite struct ExplainRealWeightsTests {
    static let samples = EfficientNetLite0Tests.samples
    static let names = ["cat.jpg", "coffee.jpg", "rocket.jpg", "astronaut.jpg"]

    /// The four photos, each as the model would crop it, shrunk to 112x112 and laid out 2x2 in
    /// a 224x224 picture (the model's input size, so no further crop moves the quadrants).
    static func mosaic(_ pipeline: ImagePipeline) throws -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: 224 * 224 * 3)
        for (q, name) in names.enumerated() {
            let photo = try ImageDecoder.decode(contentsOf: samples.appendingPathComponent(name))
            let tile = pipeline.resized(photo).resized(width: 112, height: 112, filter: .bilinear)
            let (top, left) = (q / 2 * 112, q % 2 * 112)
            for y in 0..<112 {
                for x in 0..<112 {
                    let p = tile[x, y]
                    let i = ((top + y) * 224 + left + x) * 3
                    pixels[i] = p.r; pixels[i + 1] = p.g; pixels[i + 2] = p.b
                }
            }
        }
        return RGBImage(width: 224, height: 224, pixels: pixels)
    }

    @Test(arguments: [ActivationMapMethod.cam, .gradcam])
    func eachPhotosMapPeaksInItsQuadrant(method: ActivationMapMethod) throws {
        let model = try EfficientNetLite0Tests.model()
        let pipeline = try #require(model.graphPipeline)
        let mapper = try ActivationMapper(graph: model.graph, threads: 2)
        let input = try pipeline.preprocessing.tensor(from: [try Self.mosaic(pipeline)], layout: pipeline.layout)
        var classes: Set<Int> = []
        for (q, name) in Self.names.enumerated() {
            let top = try model.classify(.file(Self.samples.appendingPathComponent(name)), top: 1)[0].index
            classes.insert(top)
            let map = try mapper.map(input, classIndex: top, method: method)
            let up = MapOverlay.upsampled(map.values, height: map.height, width: map.width, toHeight: 224, toWidth: 224)
            let peak = up.indices.max { up[$0] < up[$1] }!
            let quadrant = (peak / 224 < 112 ? 0 : 2) + (peak % 224 < 112 ? 0 : 1)
            #expect(quadrant == q, "\(method) for \(name)'s class \(top) peaks at (\(peak / 224), \(peak % 224)), quadrant \(quadrant)")
        }
        #expect(classes.count == 4, "the four photos have different top classes")
    }

    /// Randomising the last blocks' weights must change the maps: a map that survives it
    /// explains the input, not the model (Adebayo et al., "Sanity Checks for Saliency Maps").
    @Test(arguments: [ActivationMapMethod.cam, .gradcam])
    func randomisingTheLastBlocksDecorrelatesTheMaps(method: ActivationMapMethod) throws {
        let model = try EfficientNetLite0Tests.model()
        let pipeline = try #require(model.graphPipeline)
        let input = try pipeline.tensor(contentsOf: [Self.samples.appendingPathComponent("cat.jpg")])
        let original = try ActivationMapper(graph: model.graph, threads: 2)
        let map = try original.map(input, method: method)

        // Each tensor's values shuffled: the learned structure goes, the distribution (and so
        // the scale of every activation) stays, so the randomised maps are not merely saturated.
        var rng = SeededRandom(seed: 2018)
        let randomized = model.graph.replacingConstants { name, tensor in
            guard name.hasPrefix("_blocks.14") || name.hasPrefix("_blocks.15") || name.hasPrefix("_conv_head") else { return nil }
            return Tensor(shape: tensor.shape, floats: tensor.converted(to: .float32).floats.shuffled(using: &rng)).converted(to: tensor.dtype)
        }
        let randomMap = try ActivationMapper(graph: randomized, threads: 2)
            .map(input, classIndex: map.classIndex, method: method, layer: map.layer)
        // A constant map would make the correlation 0 for no good reason.
        #expect(Set(randomMap.values).count > map.values.count / 2, "\(method): the randomised map has spatial structure")
        let rho = spearman(map.values, randomMap.values)
        #expect(rho < 0.5, "\(method): Spearman rank correlation \(rho) after randomising the last blocks")
    }

    /// Spearman's rank correlation, ties given their average rank.
    func spearman(_ a: [Float], _ b: [Float]) -> Double {
        func ranks(_ v: [Float]) -> [Double] {
            let order = v.indices.sorted { v[$0] < v[$1] }
            var r = [Double](repeating: 0, count: v.count)
            var i = 0
            while i < order.count {
                var j = i
                while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
                for k in i...j { r[order[k]] = Double(i + j) / 2 }
                i = j + 1
            }
            return r
        }
        let (ra, rb) = (ranks(a), ranks(b))
        let ma = ra.reduce(0, +) / Double(ra.count), mb = rb.reduce(0, +) / Double(rb.count)
        var cov = 0.0, va = 0.0, vb = 0.0
        for i in ra.indices { cov += (ra[i] - ma) * (rb[i] - mb); va += (ra[i] - ma) * (ra[i] - ma); vb += (rb[i] - mb) * (rb[i] - mb) }
        return cov / max((va * vb).squareRoot(), 1e-30)
    }
}
