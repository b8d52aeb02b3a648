import Foundation
import Testing
import ZooTestSupport

/// The user's files are safe (OutputFile.swift): an output that is one of the inputs, or a
/// non-.npy file about to receive .npy bytes, is refused before any work.
@Suite struct OutputFileTests {
    let scratch: Scratch
    init() throws { scratch = try Scratch() }

    func photo() throws -> URL {
        try scratch.file("photo.jpg", Data(contentsOf: SampleImages.url("cat.jpg")))
    }

    @Test func outputThatIsTheInputPhoto() throws {
        let photo = try photo()
        let before = try Data(contentsOf: photo)
        let r = try ZooExecutable.run(["embed", "-o", photo.path, photo.path])
        expectOneErrorLine(r, status: 1, containing: "photo.jpg: is also an input", "embed -o photo.jpg photo.jpg")
        #expect(try Data(contentsOf: photo) == before)
        // The same file under another name (a hard link) is the same input.
        let link = scratch.url("link.npy")
        try FileManager.default.linkItem(at: photo, to: link)
        let linked = try ZooExecutable.run(["preprocess", "-o", link.path, photo.path, "--force"])
        expectOneErrorLine(linked, status: 1, containing: "link.npy: is also an input", "preprocess -o link")
        #expect(try Data(contentsOf: photo) == before)
    }

    @Test func outputThatIsTheModel() throws {
        let model = scratch.url("m.zoo")
        #expect(try ZooExecutable.run(["convert", "tiny-cnn", "-o", model.path]).status == 0)
        let before = try Data(contentsOf: model)
        let x = try scratch.file("x.npy", HandMadeFiles.npy(shape: [1, 32, 32, 3], data: 3072 * 4)).path
        let r = try ZooExecutable.run(["infer", "--model", model.path, "--input", x, "-o", model.path])
        expectOneErrorLine(r, status: 1, containing: "m.zoo: is also an input", "infer -o m.zoo")
        #expect(try Data(contentsOf: model) == before)
        let c = try ZooExecutable.run(["convert", model.path, "-o", model.path])
        expectOneErrorLine(c, status: 1, containing: "m.zoo: is also an input", "convert m.zoo -o m.zoo")
        #expect(try Data(contentsOf: model) == before)
    }

    @Test func indexAndArrayOnTheSameFile() throws {
        let photo = try photo()
        let index = scratch.url("idx.json")
        let r = try ZooExecutable.run(["embed", "--index", index.path, "-o", index.path, photo.path])
        expectOneErrorLine(r, status: 1, containing: "idx.json: is also an input", "embed --index idx.json -o idx.json")
        #expect(!FileManager.default.fileExists(atPath: index.path))
    }

    @Test func npyOverAFileThatIsNotNPY() throws {
        let photo = try photo()
        let notes = try scratch.file("notes.npy", Data("my notes".utf8))
        let r = try ZooExecutable.run(["preprocess", "-o", notes.path, photo.path])
        expectOneErrorLine(r, status: 1, containing: "notes.npy: exists and is not a .npy file", "preprocess over notes")
        #expect(try Data(contentsOf: notes) == Data("my notes".utf8))
        let forced = try ZooExecutable.run(["preprocess", "-o", notes.path, photo.path, "--force"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try Data(contentsOf: notes).prefix(6) == Data([0x93]) + Data("NUMPY".utf8))
        // An existing .npy is replaced without --force.
        let again = try ZooExecutable.run(["preprocess", "-o", notes.path, photo.path])
        #expect(again.status == 0, "\(again.stderr)")
    }

    @Test func convertReferenceBeyondTolerance() throws {
        let x = try scratch.file("x.npy", HandMadeFiles.npy(shape: [1, 32, 32, 3], data: 3072 * 4))
        let infer = try ZooExecutable.run(["infer", "--model", "tiny-cnn", "--input", x.path, "-o", scratch.url("y.npy").path])
        #expect(infer.status == 0, "\(infer.stderr)")
        let good = try ZooExecutable.run(["convert", "tiny-cnn", "--reference", x.path, scratch.url("y.npy").path, "-o", scratch.url("ok.zoo").path])
        #expect(good.status == 0, "\(good.stderr)")
        var wrong = try Data(contentsOf: scratch.url("y.npy"))
        for i in (wrong.count - 8)..<wrong.count { wrong[i] ^= 0x40 }
        let bad = try scratch.file("wrong.npy", wrong)
        let r = try ZooExecutable.run(["convert", "tiny-cnn", "--reference", x.path, bad.path, "-o", scratch.url("m.zoo").path])
        expectOneErrorLine(r, status: 1, containing: "wrong.npy: conversion check failed: relative L2", "convert --reference wrong")
        #expect(!FileManager.default.fileExists(atPath: scratch.url("m.zoo").path))
    }
}
