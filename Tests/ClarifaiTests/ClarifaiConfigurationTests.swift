import Clarifai
import Foundation
import Testing

/// Where each setting comes from, what wins, and what a missing or misplaced setting says.
@Suite struct ClarifaiConfigurationTests {
    let logs = LogCapture()
    let environment = [
        "CLARIFAI_PAT": "env-token", "CLARIFAI_USER_ID": "env-user", "CLARIFAI_APP_ID": "env-app",
        "CLARIFAI_MODEL_ID": "env-model", "CLARIFAI_MODEL_VERSION_ID": "env-version", "CLARIFAI_DATASET_ID": "env-ds",
    ]

    func write(_ text: String, permissions: Int = 0o600) throws -> String {
        let path = try temporaryDirectory().appendingPathComponent("file").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: path)
        return path
    }

    func resolve(_ environment: [String: String], _ overrides: ClarifaiOverrides = ClarifaiOverrides()) throws(ClarifaiError) -> ClarifaiConfiguration {
        try ClarifaiConfiguration.resolve(environment: environment, overrides: overrides, logger: logs.logger())
    }

    @Test func environmentAloneConfiguresEverythingWithTheDefaultAPIBase() throws {
        let configuration = try resolve(environment)
        #expect(configuration.pat == (try PersonalAccessToken("env-token", source: "test")))
        #expect(configuration.userID == "env-user" && configuration.appID == "env-app")
        #expect(configuration.modelID == "env-model" && configuration.modelVersionID == "env-version")
        #expect(configuration.datasetID == "env-ds" && configuration.datasetAppID == nil)
        #expect(configuration.apiBase.absoluteString == "https://api.clarifai.com")
        #expect(configuration.evaluationEndpoints == .evaluations)
        #expect(try RemoteEvaluationRequest.method(for: configuration) == .evaluations)
        #expect(EvaluationScope.default(for: configuration) == .app)
    }

    @Test func flagsWinOverTheFileWhichWinsOverTheEnvironment() throws {
        let file = try write("""
            # crossfold's Clarifai settings
            CLARIFAI_APP_ID=file-app
            CLARIFAI_MODEL_ID = "file-model"

            export CLARIFAI_API_BASE=http://127.0.0.1:9/
            CLARIFAI_DATASET_APP_ID='shared-data'
            """)
        let overrides = ClarifaiOverrides(configFile: file, values: [.modelID: "flag-model", .datasetVersionID: "dv9"])
        let configuration = try resolve(environment, overrides)
        #expect(configuration.userID == "env-user")
        #expect(configuration.appID == "file-app")
        #expect(configuration.modelID == "flag-model")
        #expect(configuration.datasetAppID == "shared-data")
        #expect(configuration.datasetVersionID == "dv9")
        #expect(configuration.apiBase.absoluteString == "http://127.0.0.1:9")
        #expect(try RemoteEvaluationRequest.method(for: configuration) == .evaluations)
    }

    @Test func emptyValuesCountAsUnset() throws {
        var environment = environment
        environment["CLARIFAI_DATASET_ID"] = ""
        let configuration = try resolve(environment, ClarifaiOverrides(values: [.appID: " "]))
        #expect(configuration.datasetID == nil)
        #expect(configuration.appID == "env-app")
    }

    @Test func patFileWinsOverTheEnvironmentAndOnlyItsFirstLineCounts() throws {
        let path = try write("  file-token  \nsecond line ignored\n")
        let configuration = try resolve(environment, ClarifaiOverrides(patFile: path))
        #expect(configuration.pat == (try PersonalAccessToken("file-token", source: "test")))
        #expect(!logs.records.contains { $0.level >= .warning })
        #expect(logs.records.contains { $0.metadata["pat_source"]?.description == "--pat-file \(path)" })
    }

    @Test func patFileReadableByOthersIsUsedWithAWarning() throws {
        let path = try write("file-token\n", permissions: 0o644)
        _ = try resolve(environment, ClarifaiOverrides(patFile: path))
        let warning = try #require(logs.records.first { $0.level == .warning })
        #expect(warning.message.contains("chmod 600"))
        #expect(warning.metadata["mode"] == "644")
        #expect(warning.metadata["path"]?.description == path)
    }

    @Test func patInTheConfigFileIsRefusedWithWhereToPutIt() throws {
        let file = try write("CLARIFAI_USER_ID=u\n\nCLARIFAI_PAT=abc\n")
        #expect(throws: ClarifaiError.patInConfigFile(path: file, line: 3)) { try resolve(environment, ClarifaiOverrides(configFile: file)) }
        let message = ClarifaiError.patInConfigFile(path: file, line: 3).description
        #expect(message.hasPrefix("\(file):3:"))
        #expect(message.contains("CLARIFAI_PAT environment variable") && message.contains("--pat-file"))
    }

    @Test(arguments: [
        (ClarifaiSetting.pat, "CLARIFAI_PAT", "--pat-file"), (.userID, "CLARIFAI_USER_ID", "--user-id"),
        (.appID, "CLARIFAI_APP_ID", "--app-id"),
    ])
    func missingRequiredSettingNamesTheVariableAndFlag(setting: ClarifaiSetting, variable: String, flag: String) throws {
        var environment = environment
        environment[variable] = nil
        #expect(throws: ClarifaiError.missingSetting(setting)) { try resolve(environment) }
        let message = ClarifaiError.missingSetting(setting).description
        #expect(message.contains(variable) && message.contains(flag))
        #expect(ClarifaiError.missingSetting(setting).category == .configuration)
    }

    @Test func modelSettingsAreCheckedWhenACallNeedsThem() async throws {
        var environment = environment
        environment["CLARIFAI_MODEL_VERSION_ID"] = nil
        let configuration = try resolve(environment)
        #expect(EvaluationScope.default(for: configuration) == .app)
        let client = ClarifaiClient(configuration: configuration, logger: logs.logger())
        let error = await clarifaiError { () async throws(ClarifaiError) in try await client.listModelVersionEvaluations() }
        #expect(error == .missingSetting(.modelVersionID))
        #expect(error?.description.contains("CLARIFAI_MODEL_VERSION_ID") == true && error?.description.contains("--model-version-id") == true)
    }

    @Test(arguments: [
        ("CLARIFAI_USER_ID u", 1, "expected KEY=VALUE, found no '='"), ("CLARIFAI_MODLE_ID=x", 1, "unknown key \"CLARIFAI_MODLE_ID\""),
        ("CLARIFAI_APP_ID=a\nCLARIFAI_APP_ID=b", 2, "CLARIFAI_APP_ID is set twice"),
    ])
    func malformedConfigFileLinesNameFileLineAndRule(text: String, line: Int, reason: String) throws {
        let file = try write(text)
        #expect(throws: ClarifaiError.configFileInvalid(path: file, line: line, reason: reason)) {
            try resolve(environment, ClarifaiOverrides(configFile: file))
        }
    }

    @Test func unreadableFilesSayWhichFile() throws {
        let missing = "/nonexistent/clarifai.env"
        let configError = #expect(throws: ClarifaiError.self) { try resolve(environment, ClarifaiOverrides(configFile: missing)) }
        guard case .configFileUnreadable(let path, _) = configError else { Issue.record("got \(String(describing: configError))"); return }
        #expect(path == missing)
        let patError = #expect(throws: ClarifaiError.self) { try resolve(environment, ClarifaiOverrides(patFile: missing)) }
        guard case .patFileUnreadable(let patPath, let reason) = patError else { Issue.record("got \(String(describing: patError))"); return }
        #expect(patPath == missing && !reason.isEmpty)
        #expect(patError?.description.contains("--pat-file") == true)
    }

    @Test(arguments: ["", "   \n", "two words", "tab\tbed"])
    func unusablePATsAreRefusedWithoutShowingThem(_ token: String) throws {
        let path = try write(token)
        let error = #expect(throws: ClarifaiError.self) { try resolve(environment, ClarifaiOverrides(patFile: path)) }
        guard case .invalidPAT(let source, _) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(source == "--pat-file \(path)")
    }

    @Test(arguments: ["ftp://api.clarifai.com", "not a url", "https://", "https://api.clarifai.com?x=1"])
    func invalidAPIBaseIsRefused(_ base: String) throws {
        var environment = environment
        environment["CLARIFAI_API_BASE"] = base
        let error = #expect(throws: ClarifaiError.self) { try resolve(environment) }
        guard case .invalidSetting(.apiBase, _, _) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(error?.description.contains("--api-base") == true)
    }

    @Test func plainHTTPToAnotherHostWarns() throws {
        var environment = environment
        environment["CLARIFAI_API_BASE"] = "http://clarifai.example.com"
        _ = try resolve(environment)
        #expect(logs.records.contains { $0.level == .warning && $0.message.contains("unencrypted") })
    }

    @Test func everySettingHasItsOwnVariableAndFlag() {
        let variables = ClarifaiSetting.allCases.map(\.environmentVariable)
        let flags = ClarifaiSetting.allCases.map(\.flag)
        #expect(Set(variables).count == variables.count && Set(flags).count == flags.count)
        #expect(ClarifaiSetting.allCases.allSatisfy { ClarifaiSetting(environmentVariable: $0.environmentVariable) == $0 })
    }
}
