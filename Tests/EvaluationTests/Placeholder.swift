import Testing
@testable import Evaluation

@Test func placeholder() {}
