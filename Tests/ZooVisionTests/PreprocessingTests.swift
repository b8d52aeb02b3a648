import Testing
import ZooTensor
@testable import ZooVision

/// Value mapping against Keras' `preprocess_input` and torchvision's `ToTensor` + `Normalize`,
/// computed by the fixture script in float32 numpy.
@Suite struct PreprocessingTests {
    static func preprocessing(_ entry: Fixtures.Preprocess) -> Preprocessing {
        switch entry.mode {
        case "meanStd":
            .meanStd(mean: entry.mean, std: entry.std!, divisor: entry.divisor!, order: ChannelOrder(rawValue: entry.order)!)
        default:
            Preprocessing(mode: entry.mode)!
        }
    }

    @Test(arguments: Fixtures.manifest.preprocess.map(\.mode))
    func everyByteValueMatchesTheFrameworks(mode: String) throws {
        let entry = Fixtures.manifest.preprocess.first { $0.mode == mode }!
        let image = try Fixtures.image(entry.input)
        let preprocessing = Self.preprocessing(entry)
        for (layout, file) in [(ImageLayout.nhwc, entry.nhwc), (.nchw, entry.nchw)] {
            let expected = try NPY.read(contentsOf: Fixtures.url(file))
            let tensor = try preprocessing.tensor(from: [image], layout: layout)
            #expect(tensor.shape == expected.shape, "\(mode) \(layout)")
            let worst = zip(tensor.floats, expected.floats).map { abs($0 - $1) }.max() ?? 0
            #expect(worst <= 1e-6, "\(mode) \(layout): max difference \(worst)")
            print("preprocess \(mode) \(layout): max difference \(worst)")
        }
    }

    @Test func presetsAreTheirMeanStdForms() throws {
        let image = try Fixtures.image("levels.png")
        let pairs: [(Preprocessing, Preprocessing)] = [
            (.caffe, .meanStd(mean: [103.939, 116.779, 123.68], std: [1, 1, 1], divisor: 1, order: .bgr)),
            (.tf, .meanStd(mean: [1, 1, 1], std: [1, 1, 1], divisor: 127.5, order: .rgb)),
            (.torch, .meanStd(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], divisor: 255, order: .rgb)),
        ]
        for (preset, explicit) in pairs {
            #expect(try preset.tensor(from: [image]).floats == explicit.tensor(from: [image]).floats)
        }
    }

    @Test func batchesStackAlongN() throws {
        let a = RGBImage(width: 2, height: 1, pixels: [0, 1, 2, 3, 4, 5])
        let b = RGBImage(width: 2, height: 1, pixels: [10, 11, 12, 13, 14, 15])
        let raw = Preprocessing.meanStd(mean: [0, 0, 0], std: [1, 1, 1], divisor: 1, order: .rgb)
        let nhwc = try raw.tensor(from: [a, b])
        #expect(nhwc.shape == [2, 1, 2, 3])
        #expect(nhwc.floats == [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15])
        let nchw = try raw.tensor(from: [a, b], layout: .nchw)
        #expect(nchw.shape == [2, 3, 1, 2])
        #expect(nchw.floats == [0, 3, 1, 4, 2, 5, 10, 13, 11, 14, 12, 15])
        let bgr = try Preprocessing.meanStd(mean: [0, 0, 0], std: [1, 1, 1], divisor: 1, order: .bgr).tensor(from: [a])
        #expect(bgr.floats == [2, 1, 0, 5, 4, 3])
    }

    @Test func mixedSizesAreRefused() {
        let a = RGBImage(width: 2, height: 2), b = RGBImage(width: 3, height: 2)
        #expect(throws: VisionError.self) { try Preprocessing.tf.tensor(from: [a, b]) }
    }

    @Test func modeNames() {
        #expect(Preprocessing(mode: "caffe") == .caffe)
        #expect(Preprocessing(mode: "tf") == .tf)
        #expect(Preprocessing(mode: "torch") == .torch)
        #expect(Preprocessing(mode: "inception") == nil)
    }

    @Test(arguments: Fixtures.manifest.pipeline.map(\.name))
    func wholePipelineMatchesTheFrameworks(name: String) throws {
        let entry = Fixtures.manifest.pipeline.first { $0.name == name }!
        let preprocessing = Preprocessing(mode: entry.mode)!
        let pipeline: ImagePipeline = entry.name == "torchvision"
            ? .torchvision()
            : .keras(size: 224, preprocessing: preprocessing)
        var options = pipeline
        options.decodeOptions = .frameworks
        let tensor = try options.tensor(contentsOf: [Fixtures.url(entry.file)])
        #expect(tensor.shape == Shape(entry.shape))
        #expect(pipeline.layout.rawValue == entry.layout)
        let values = tensor.floats
        for (position, value) in zip(entry.positions, entry.values) {
            #expect(abs(values[position] - value) <= 1e-6, "\(name) at \(position)")
        }
        let sum = values.reduce(0.0) { $0 + Double($1) }
        #expect(abs(sum - entry.sum) <= 1e-6 * Double(values.count), "\(name): sum \(sum) vs \(entry.sum)")
    }
}
