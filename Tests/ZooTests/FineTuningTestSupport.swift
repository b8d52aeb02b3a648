import Foundation
import Zoo
import ZooGraph
import ZooTestSupport
import ZooVision

/// The fine-tuning tests' dataset and backbone (see `ShapeImages`).
enum FineTuningFixtures {
    static let classes = ShapeImages.classes

    /// `perClass` generated 32x32 images of each class, in memory.
    static func shapesDataset(perClass: Int, seed: UInt64 = 7) throws -> ImageFolderDataset {
        var rng = SeededRandom(seed: seed)
        var samples: [ImageFolderDataset.Sample] = []
        for label in classes.indices {
            for i in 0..<perClass {
                let image = RGBImage(width: 32, height: 32, pixels: ShapeImages.pixels(label: label, rng: &rng))
                samples.append(.init(image: .rgb(image), label: label, name: "\(classes[label])/\(i).png"))
            }
        }
        return try ImageFolderDataset(classes: classes, samples: samples)
    }

    /// The images' pipeline: 32x32 (a no-op resize for the generated images), Keras "tf" values.
    static let pipeline = ImagePipeline(geometry: .resize(width: 32, height: 32, filter: .bilinear), preprocessing: .tf)

    /// `ShapeImages.edgeFeatureGraph` as a model whose embedding is its 99 features.
    static func edgeBackbone(threads: Int = 2) throws -> Model {
        try Model(graph: ShapeImages.edgeFeatureGraph(), pipeline: pipeline, outputsLogits: false, embeddingLayer: "features",
                  threads: threads)
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-finetune-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `image` as a PNG at `folder/relativePath`, making folders as needed.
    static func writePNG(_ image: RGBImage, to folder: URL, _ relativePath: String) throws {
        let url = folder.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try PNGEncoder.rgb(width: image.width, height: image.height, pixels: image.pixels).write(to: url)
    }
}
