import Foundation
import Testing
import Zoo
import ZooTensor
import ZooTestSupport

/// Broken and hostile files, one test per case (DESIGN.md, "Bad input"). Each read fails with an
/// error of the expected kind that names the file and the problem, and converting a broken model
/// leaves no file behind. Cases about a file's structure are in BadInputTests+Hostile.swift, the
/// command line's side in ZooCLITests/BadInputCommandTests.swift; each parser's finer cases
/// stay with it (ONNXBadFileTests, KerasErrorTests, TorchCheckpointTests, ZooFileTests,
/// NPYTests, BadImageTests).
@Suite struct BadInputTests {
    let scratch: Scratch

    init() throws { scratch = try Scratch() }

    @Test(arguments: InputFormat.allCases)
    func truncatedFile(_ format: InputFormat) throws {
        let bytes = try format.validBytes()
        let url = try scratch.file(format.fileName, bytes.prefix(bytes.count / 2))
        let kind = format.errorKind(importError: "truncated", visionError: "truncated")
        expectRefused(url, as: format, kind: kind, containing: "truncated", in: scratch)
    }

    /// A GIF where the format's own file should be (a PDF for the images, as GIFs are images).
    @Test(arguments: InputFormat.allCases)
    func wrongMagic(_ format: InputFormat) throws {
        let gif = Array("GIF89a".utf8) + [10, 0, 10, 0, 0x80, 0, 0] + [UInt8](repeating: 0, count: 51)
        let pdf = Array("%PDF-1.4\n".utf8) + [UInt8](repeating: 0, count: 51)
        let url = try scratch.file(format.fileName, format == .jpeg || format == .png ? pdf : gif)
        let text = switch format {
        case .onnx: "not an ONNX model"
        case .h5: "not an HDF5 file"
        case .keras: "not a zip archive"
        case .pthZip, .pthLegacy: "not a PyTorch checkpoint"
        case .zoo: "not a .zoo file"
        case .npy: "not a .npy file"
        case .jpeg, .png: "not a JPEG, PNG, WebP, TIFF, GIF or BMP image"
        }
        expectRefused(url, as: format, kind: format.errorKind(importError: "notAModel", visionError: "notAnImage"), containing: text, in: scratch)
    }

    @Test(arguments: InputFormat.allCases)
    func zeroByteFile(_ format: InputFormat) throws {
        let url = try scratch.file(format.fileName, Data())
        let kind = format.errorKind(importError: "truncated", visionError: "empty")
        expectRefused(url, as: format, kind: kind, containing: "empty", in: scratch)
    }

    @Test(arguments: InputFormat.allCases)
    func folderWhereAFileIsExpected(_ format: InputFormat) throws {
        let url = scratch.folder.appendingPathComponent(format.fileName)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        let kind = switch format {
        case .onnx, .h5, .keras, .pthZip, .pthLegacy, .zoo: "ZooError.badModel"
        case .npy: "NPYError"
        case .jpeg, .png: "VisionError.unreadable"
        }
        expectRefused(url, as: format, kind: kind, containing: "is a folder", in: scratch)
    }

    /// What a clone without git-lfs holds in place of each large file.
    @Test(arguments: InputFormat.allCases)
    func gitLFSPointer(_ format: InputFormat) throws {
        let url = try scratch.file(format.fileName, HandMadeFiles.gitLFSPointer)
        let text = switch format {
        case .npy: "a Git LFS pointer, not the array; its data was never downloaded (run git lfs pull)"
        case .jpeg, .png: "a Git LFS pointer, not the image; the image was never downloaded (run git lfs pull)"
        default: "a Git LFS pointer, not the model; the weights were never downloaded (run git lfs pull)"
        }
        expectRefused(url, as: format, kind: format.errorKind(importError: "gitLFSPointer", visionError: "gitLFSPointer"), containing: text, in: scratch)
        if format == .onnx {
            #expect(Refusal(reading: url, as: format)?.message
                == "model.onnx: a Git LFS pointer, not the model; the weights were never downloaded (run git lfs pull)")
        }
    }

    /// Writing into a folder that does not exist fails before any work and creates nothing.
    @Test func outputInAMissingFolder() throws {
        let missing = scratch.folder.appendingPathComponent("no-such-folder")
        let zoo = missing.appendingPathComponent("m.zoo")
        #expect { _ = try ModelConverter.convert("tiny-cnn", to: zoo) } throws: { "\($0)".contains("m.zoo") }
        let npy = missing.appendingPathComponent("x.npy")
        #expect { try NPY.write(Tensor(zeros: [2]), to: npy) } throws: { ($0 as? NPYError)?.description.hasPrefix("x.npy: cannot be written") == true }
        #expect(!FileManager.default.fileExists(atPath: missing.path))
        #expect(scratch.contents.isEmpty)
    }
}
