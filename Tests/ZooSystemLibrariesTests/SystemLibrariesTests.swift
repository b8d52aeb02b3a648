import Testing
import ZooHDF5
import ZooVision

/// The build links every system library the project uses; these calls fail to link otherwise.
@Suite struct SystemLibrariesTests {
    @Test func hdf5ReportsVersion() {
        #expect(HDF5Library.version.hasPrefix("1."))
    }

    @Test func codecsReportVersions() {
        #expect(CodecLibraries.jpegVersion >= 62)
        #expect(CodecLibraries.pngVersion >= 10600)
    }
}
