import Testing
@testable import Datasets

@Test func placeholder() {}
