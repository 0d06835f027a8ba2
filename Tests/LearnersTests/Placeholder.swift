import Testing
@testable import Learners

@Test func placeholder() {}
