import Testing
import ZeroMQ

@Suite struct VersionTests {
    @Test func linkedLibraryIsAtLeast4_3WithCurve() {
        let version = ZeroMQ.version
        // Logged so CI output records which libzmq the tests ran against.
        print("libzmq \(version), curve=\(ZeroMQ.has("curve")), draft=\(ZeroMQ.has("draft"))")
        #expect(version >= ZeroMQ.Version(major: 4, minor: 3, patch: 0))
        #expect(ZeroMQ.has("curve"))
    }
}
