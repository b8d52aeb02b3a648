import Foundation
import Testing
import Zoo
import ZooTensor
import ZooVision
import ZooTestSupport

/// `explain`, `features` and `filters` on the real EfficientNet-Lite0.
@Suite struct ExplainCommandTests {
    let cat = SampleImages.url("cat.jpg").path
    let coffee = SampleImages.url("coffee.jpg").path

    func png(_ path: String) throws -> RGBImage { try ImageDecoder.decode(contentsOf: URL(fileURLWithPath: path)) }

    @Test func explainWritesThePictureAndTheRawMap() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("cat.png").path, map = dir.appendingPathComponent("cat.npy").path
        let r = try ZooExecutable.run(["explain", cat, "-o", out, "--map", map])
        #expect(r.status == 0, "\(r.stderr)")
        let picture = try png(out)
        #expect(picture.height == 448 && picture.width > 448, "photo at 448 plus the colour bar")
        let raw = try NPY.read(contentsOf: URL(fileURLWithPath: map))
        #expect(raw.shape == [7, 7])
        #expect(raw.floats.allSatisfy { $0 >= 0 } && raw.floats.contains { $0 > 0 })
        // The blended photo is not the plain photo: the map's colours are in it.
        #expect(Set(picture.pixels).count > 100)
    }

    @Test func explainOfSeveralImagesFillsAFolderAndTakesAClassByLabel() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("maps").path
        let r = try ZooExecutable.run(["explain", cat, coffee, "--class", "tabby", "--method", "gradcam", "-o", out, "--map", out])
        #expect(r.status == 0, "\(r.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(names == ["cat.npy", "cat.png", "coffee.npy", "coffee.png"])
    }

    @Test func badRequestsAreOneErrorLine() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("x.png").path
        expectOneErrorLine(try ZooExecutable.run(["explain", cat, "--class", "no such class", "-o", out]), status: 1,
                           containing: "no class called 'no such class'", "unknown label")
        expectOneErrorLine(try ZooExecutable.run(["explain", cat, "--class", "1000", "-o", out]), status: 1,
                           containing: "out of range", "class index")
        expectOneErrorLine(try ZooExecutable.run(["explain", cat, "--layer", "nope", "-o", out]), status: 1,
                           containing: "'nope' is not a layer with a spatial output", "layer")
        expectOneErrorLine(try ZooExecutable.run(["explain", cat, "--method", "cam", "--layer", "_blocks.14._project_conv", "-o", out]), status: 1,
                           containing: "use gradcam", "CAM at an inner layer")
        #expect(!FileManager.default.fileExists(atPath: out), "no output after an error")
        let copy = dir.appendingPathComponent("in.png").path
        try FileManager.default.copyItem(atPath: cat, toPath: copy)
        let before = try Data(contentsOf: URL(fileURLWithPath: copy))
        expectOneErrorLine(try ZooExecutable.run(["explain", copy, "-o", copy]), status: 1, containing: "is one of the input images", "overwrite")
        #expect(try Data(contentsOf: URL(fileURLWithPath: copy)) == before)
    }

    @Test func featuresAndFiltersDrawGrids() throws {
        let dir = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let grid = dir.appendingPathComponent("grid.png").path, sheet = dir.appendingPathComponent("filters.png").path
        var r = try ZooExecutable.run(["features", "--layer", "_blocks.3._expand_conv", "--max", "12", cat, "-o", grid])
        #expect(r.status == 0, "\(r.stderr)")
        // 12 tiles of 28x28 enlarged to 56, 8 per row: 2 rows.
        let g = try png(grid)
        #expect(g.width == 8 * 58 + 2 && g.height == 2 * 58 + 2)
        r = try ZooExecutable.run(["filters", "-o", sheet])
        #expect(r.status == 0, "\(r.stderr)")
        // The stem's 32 3x3 RGB filters, enlarged 13 times, 8 per row.
        let s = try png(sheet)
        #expect(s.width == 8 * 41 + 2 && s.height == 4 * 41 + 2)
        expectOneErrorLine(try ZooExecutable.run(["features", "--layer", "logits", cat, "-o", grid]), status: 1,
                           containing: "not a spatial", "features of a flat layer")
        expectOneErrorLine(try ZooExecutable.run(["filters", "--layer", "features", "-o", sheet]), status: 1,
                           containing: "has no convolution 'features'", "filters of a pool")
    }
}
