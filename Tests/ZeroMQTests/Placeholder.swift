import Testing
@testable import ZeroMQ

@Test func placeholder() {}
