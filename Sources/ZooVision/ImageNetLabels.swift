import Foundation

/// The 1000 ImageNet-1k classes (ILSVRC 2012), in the order every Keras and torchvision
/// ImageNet model outputs them. The repository keeps them in `zoo/imagenet_classes.json`,
/// extracted by `tools/vision/extract_imagenet_labels.py` (see there for the source).
public enum ImageNetLabels {
    /// Number of ImageNet-1k classes.
    public static let classCount = 1000
    /// The file name inside the zoo folder.
    public static let fileName = "imagenet_classes.json"

    /// Reads the class index at `url` and checks it has exactly 1000 classes.
    public static func load(contentsOf url: URL) throws -> ClassLabels {
        let labels = try ClassLabels(contentsOf: url)
        guard labels.count == classCount else {
            throw VisionError.badLabels(file: url.path, detail: "\(labels.count) classes, ImageNet has \(classCount)")
        }
        return labels
    }
}
