import Testing
import ZooHDF5
import ZooVision

/// The build links the image codecs (these calls fail to link otherwise) and opens libhdf5 at
/// run time (this fails when it cannot).
@Suite struct SystemLibrariesTests {
    @Test func hdf5ReportsVersion() throws {
        #expect(try HDF5Library.version.hasPrefix("1."))
    }

    @Test func codecsReportVersions() {
        #expect(CodecLibraries.jpegVersion >= 62)
        #expect(CodecLibraries.pngVersion >= 10600)
    }
}
