import Foundation

/// The hostile inputs of issue 15, made in memory (tools/hardening/make_hostile.py writes the
/// same files for trying by hand): each is a few bytes or megabytes on disk and huge once
/// believed.
public enum HostileFiles {
    /// A 1x3x16x16 input padded by 100000 on each side of H and W: 480 GB of activation.
    public static func pad100000() -> Data {
        var m = ONNXModelWriter()
        m.inputs = [("x", [1, 3, 16, 16])]
        var pads = ONNXModelWriter.Initializer("pads", dims: [8], values: [])
        pads.int64Values = [0, 0, 100000, 100000, 0, 0, 100000, 100000]
        m.initializers = [pads]
        m.nodes = [.init("Pad", ["x", "pads"], ["y"])]
        m.outputs = ["y"]
        return Data(m.serialized())
    }

    /// A Relu on a declared 1x3x100000x100000 input: 120 GB per tensor.
    public static func hugeInput() -> Data {
        var m = ONNXModelWriter()
        m.inputs = [("x", [1, 3, 100000, 100000])]
        m.nodes = [.init("Relu", ["x"], ["y"])]
        m.outputs = ["y"]
        return Data(m.serialized())
    }

    /// ONNX's `test_dropout_default_ratio` shape: Dropout(x, r) with the ratio a scalar graph input.
    public static func dropoutRatioInput() -> Data {
        var m = ONNXModelWriter()
        m.inputs = [("x", [3, 4, 5]), ("r", [])]
        m.nodes = [.init("Dropout", ["x", "r"], ["y"])]
        m.outputs = ["y"]
        return Data(m.serialized())
    }

    /// A torch.save zip whose pickle honestly declares `storages` float storages of `bytes`
    /// each, stored as deflated runs of zeros: about 6 MB per GiB on disk (fixed Huffman codes,
    /// 158:1), `storages` x `bytes` once inflated.
    public static func pthZipBomb(storages: Int = 3, bytes: Int = 1 << 30) -> Data {
        let items = (0..<storages).map { k in
            ("w\(k)", PickleWriter.tensor(storageKey: "\(k)", storageCount: bytes / 4, size: [bytes / 4], stride: [1]))
        }
        var zip = DeflatedZip()
        zip.addStored("archive/data.pkl", Data(PickleWriter.pickle(.dict(items))))
        let zeros = DeflatedZip.deflatedZeros(count: bytes)
        for k in 0..<storages { zip.addDeflated("archive/data/\(k)", compressed: zeros, uncompressedSize: UInt64(bytes)) }
        return zip.archive()
    }

    /// A valid 20000x1 PNG (grey): shorter side to 256 would make it 5120000x256 before the crop.
    public static func widePNG(width: Int = 20000, height: Int = 1) -> Data {
        PNGEncoder.rgb(width: width, height: height, pixels: [UInt8](repeating: 128, count: width * height * 3))
    }
}
