import Foundation
import Testing
import ZooTensor

@Suite struct MappedFileTests {
    @Test func tensorsBorrowFileBytesAndCopyOnWrite() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-map-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        let values: [Float] = [1, 2, 3, 4, 5, 6]
        try values.withUnsafeBytes { Data(Array(repeating: 0, count: 8) + Array($0)) }.write(to: url)

        var tensor: Tensor? = try MappedFile(url: url).tensor(shape: [2, 3], dtype: .float32, offset: 8)
        // The mapping outlives the MappedFile variable: the tensor's storage keeps it alive.
        #expect(tensor?.floats == values)
        #expect(tensor?.storage.isOwned == false)
        tensor?.withUnsafeMutableFloats { $0[0] = 42 }
        #expect(tensor?.storage.isOwned == true, "writing copies the borrowed bytes first")
        #expect(tensor?.floats.first == 42)
        let again = try MappedFile(url: url).tensor(shape: [6], dtype: .float32, offset: 8)
        #expect(again?.floats == values, "the file itself is unchanged")
    }

    /// Released pages of a mapping come back from the file, unchanged; owned storage is untouched.
    @Test func releasedPagesReadBackFromTheFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-map-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        let values = (0..<50_000).map { Float($0) * 0.5 }  // several pages
        try values.withUnsafeBytes { Data(Array(repeating: 7, count: 100) + Array($0)) }.write(to: url)
        let tensor = try #require(try MappedFile(url: url).tensor(shape: [50_000], dtype: .float32, offset: 100))
        #expect(tensor.floats == values)
        tensor.storage.releaseResidentPages()
        #expect(tensor.floats == values)
        let owned = Tensor(shape: [3], floats: [1, 2, 3])
        owned.storage.releaseResidentPages()
        #expect(owned.floats == [1, 2, 3])
    }

    @Test func rangesOutsideTheFileAreRefused() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zoo-map-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(count: 16).write(to: url)
        let file = try MappedFile(url: url)
        #expect(file.tensor(shape: [4], dtype: .float32, offset: 0) != nil)
        #expect(file.tensor(shape: [4], dtype: .float32, offset: 4) == nil)
        #expect(file.tensor(shape: [1], dtype: .float32, offset: -4) == nil)
        #expect(file.tensor(shape: [1 << 62, 4], dtype: .float32, offset: 0) == nil)
        #expect(throws: MappedFileError.self) { try MappedFile(url: URL(fileURLWithPath: "/nonexistent")) }
        #expect(throws: MappedFileError.self) { try MappedFile(url: URL(fileURLWithPath: "/tmp")) }
    }
}
