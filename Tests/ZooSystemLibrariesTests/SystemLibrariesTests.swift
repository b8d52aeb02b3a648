import Testing
import ZooHDF5
import ZooVision

/// The image codecs and libhdf5 are opened at run time, not linked: these fail when they cannot be.
@Suite struct SystemLibrariesTests {
    @Test func hdf5ReportsVersion() throws {
        #expect(try HDF5Library.version.hasPrefix("1."))
    }

    @Test func codecsReportVersions() throws {
        #expect(try CodecLibraries.jpegVersion >= 62)
        #expect(try CodecLibraries.pngVersion >= 10600)
    }
}
