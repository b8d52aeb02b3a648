import Foundation
import Testing
@testable import ZooTensor

@Suite struct NPYTests {
    let file = URL(fileURLWithPath: "/tmp/x.npy")

    /// Bytes of a real file written by numpy 1.26: np.save(f, np.arange(6, dtype='<f4').reshape(2, 3)).
    static let numpyFloat32: [UInt8] = Array("\u{93}NUMPY".unicodeScalars.map { UInt8($0.value) }) + [1, 0, 118, 0]
        + Array("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }".utf8)
        + Array(repeating: 0x20, count: 118 - 59 - 1) + [0x0A]
        + [0, 1, 2, 3, 4, 5].flatMap { (f: Float) in withUnsafeBytes(of: f.bitPattern.littleEndian) { Array($0) } }

    @Test func readsNumpyFile() throws {
        let t = try NPY.decode(Data(Self.numpyFloat32), file: file)
        #expect(t.shape == [2, 3])
        #expect(t.dtype == .float32)
        #expect(t.floats == [0, 1, 2, 3, 4, 5])
    }

    @Test(arguments: [DType.float32, .float64, .int64, .uint8, .int32])
    func roundTripsEveryType(dtype: DType) throws {
        let source = Tensor(shape: [2, 1, 3], floats: [1, 2, 3, 4, 5, 250]).converted(to: dtype)
        let data = NPY.encode(source)
        #expect((data.count - source.byteCount) % 64 == 0, "data starts on a 64-byte boundary")
        let back = try NPY.decode(data, file: file)
        #expect(back.shape == source.shape)
        #expect(back.dtype == dtype)
        #expect(back.floats == [1, 2, 3, 4, 5, 250])
    }

    @Test func roundTripsScalarAndVectorShapes() throws {
        for shape: Shape in [[], [5], [0, 3]] {
            let t = Tensor(zeros: shape)
            #expect(try NPY.decode(NPY.encode(t), file: file).shape == shape)
        }
    }

    @Test func readsVersion2Header() throws {
        var bytes = Self.numpyFloat32
        bytes[6] = 2
        bytes.replaceSubrange(8..<10, with: [116, 0, 0, 0])
        // A v2 header is 2 bytes longer: drop two spaces of padding to keep the data where it was.
        bytes.removeSubrange(12 + 59..<12 + 61)
        let t = try NPY.decode(Data(bytes), file: file)
        #expect(t.floats == [0, 1, 2, 3, 4, 5])
    }

    @Test(arguments: [
        ("not npy", "bad magic"),
        ("\u{93}NUMPY\u{01}\u{00}\u{FF}\u{00}{'descr'", "truncated header"),
    ])
    func rejectsBrokenFiles(text: String, expected: String) {
        let data = Data(text.unicodeScalars.map { UInt8($0.value) })
        #expect { try NPY.decode(data, file: file) } throws: { ($0 as? NPYError)?.detail.contains(expected) == true }
    }

    @Test func rejectsUnsupportedLayouts() throws {
        func header(_ dict: String, data: Int = 24) -> Data {
            var bytes = Array("\u{93}NUMPY".unicodeScalars.map { UInt8($0.value) }) + [1, 0]
            let text = Array(dict.utf8) + [0x0A]
            bytes += [UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + Array(repeating: 0, count: data)
            return Data(bytes)
        }
        let cases = [
            ("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", "unsupported dtype"),
            ("{'descr': '<c8', 'fortran_order': False, 'shape': (2, 3), }", "unsupported dtype"),
            ("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", "Fortran"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (4, 3), }", "truncated"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 4), }", "too large"),
            ("{'descr': '<f4', 'fortran_order': False, 'shape': (-1, 3), }", "non-negative"),
            ("{'descr': '<f4', 'fortran_order': False}", "shape"),
        ]
        for (dict, expected) in cases {
            #expect(throws: NPYError.self, "\(dict)") { try NPY.decode(header(dict), file: file) }
            do { _ = try NPY.decode(header(dict), file: file) } catch let e as NPYError {
                #expect(e.detail.contains(expected), "\(dict) -> \(e.detail)")
                #expect(e.description.hasPrefix("x.npy: "))
            }
        }
    }

    @Test func reportsMissingFileAndFolder() {
        #expect { try NPY.read(contentsOf: URL(fileURLWithPath: "/nonexistent/a.npy")) } throws: {
            ($0 as? NPYError)?.detail == "no such file"
        }
        #expect { try NPY.read(contentsOf: URL(fileURLWithPath: "/tmp")) } throws: {
            ($0 as? NPYError)?.detail.contains("folder") == true
        }
    }
}
