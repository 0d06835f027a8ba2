import Testing
@testable import Reports

@Test func placeholder() {}
