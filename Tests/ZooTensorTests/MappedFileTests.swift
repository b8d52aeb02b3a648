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
