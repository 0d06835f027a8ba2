import Learners
import Testing

@Suite struct CommandSettingsTests {
    @Test func needsAProgramAndSaysHowToNameOne() {
        let error = #expect(throws: LearnerError.self) { try LearnerCatalog.validate(LearnerSpec(model: "command")) }
        #expect(error?.kind == .badParameter)
        #expect(error?.message.contains("--param program=PATH") == true)
    }

    @Test func readsProgramTimeoutAndInputs() throws {
        let settings = try CommandSettings(LearnerSpec(model: "command", params: [
            "program": "learners/fit.py", "timeout": "2.5", "inputs": "copy",
        ]))
        #expect(settings.program == "learners/fit.py")
        #expect(settings.timeout == .milliseconds(2500))
        #expect(settings.inputs == .copy)
        let defaults = try CommandSettings(LearnerSpec(model: "command", params: ["program": "fit"]))
        #expect(defaults.timeout == .seconds(3600) && defaults.inputs == .auto)
    }

    @Test(arguments: [("timeout", "0"), ("inputs", "mmap"), ("program", "fit\u{7}"), ("args", "-v")])
    func refusesBadValuesListingTheKeys(key: String, value: String) {
        let error = #expect(throws: LearnerError.self) {
            try LearnerCatalog.validate(LearnerSpec(model: "command", params: ["program": "fit.py"].merging([key: value]) { $1 }))
        }
        #expect(error?.kind == .badParameter)
        #expect(error?.message.contains("program (a path, required)") == true)
    }

    /// The program runs on a worker, never inside the pure fold task.
    @Test func isNoInProcessLearner() {
        let error = #expect(throws: LearnerError.self) {
            try LearnerCatalog.make(LearnerSpec(model: "command", params: ["program": "fit.py"]))
        }
        #expect(error?.kind == .invalidTask)
        #expect(!LearnerCatalog.sharesWorkAcrossFolds("command"))
    }

    @Test func isDocumentedAfterTheBuiltInLearners() {
        #expect(LearnerCatalog.catalogue.map(\.name) == LearnerCatalog.learners.map(\.name) + ["command"])
        let text = LearnerCatalog.documentation
        #expect(text.contains("\ncommand\n"))
        #expect(text.contains("--param program=VALUE  a path; required"))
        #expect(text.contains("--param timeout=VALUE  a number > 0; default 3600"))
        #expect(text.contains("--param inputs=VALUE  one of auto, copy; default auto"))
    }
}
