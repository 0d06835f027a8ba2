import Testing
@testable import Folds

@Test func placeholder() {}
