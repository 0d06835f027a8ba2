import Testing
@testable import Clarifai

@Test func placeholder() {}
