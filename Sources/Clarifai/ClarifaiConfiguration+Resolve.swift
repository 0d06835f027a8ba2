import Foundation
import Logging

extension ClarifaiConfiguration {
    /// Resolves the configuration: flags (`overrides`) win over the config file, which wins over
    /// `environment`. The PAT comes only from `overrides.patFile` (first line) or CLARIFAI_PAT.
    ///
    /// Logs a warning (path and mode, never the content) when the PAT file is readable by group or
    /// others, and when the API base is plain HTTP to a host other than loopback.
    ///
    /// - Throws: `ClarifaiError` `.missingSetting` naming the variable and flag to set (PAT, user
    ///   id, app id), `.patInConfigFile`, `.configFileUnreadable`, `.configFileInvalid`,
    ///   `.patFileUnreadable`, `.invalidPAT`, or `.invalidSetting` for an API base that is not an
    ///   http(s) URL or evaluation endpoints other than `evaluations` or `model-version`.
    public static func resolve(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        overrides: ClarifaiOverrides = ClarifaiOverrides(),
        logger: Logger
    ) throws(ClarifaiError) -> ClarifaiConfiguration {
        let fileValues = try overrides.configFile.map { path throws(ClarifaiError) in try readConfigFile(path) } ?? [:]
        let pat: PersonalAccessToken
        if let patFile = overrides.patFile {
            pat = try readPATFile(patFile, logger: logger)
        } else if let token = environment[ClarifaiSetting.pat.environmentVariable], !token.isEmpty {
            pat = try PersonalAccessToken(token, source: ClarifaiSetting.pat.environmentVariable)
        } else {
            throw .missingSetting(.pat)
        }
        func value(_ setting: ClarifaiSetting) -> String? {
            let candidates = [overrides.values[setting], fileValues[setting], environment[setting.environmentVariable]]
            return candidates.lazy.compactMap { $0?.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty }
        }
        logger.debug("Clarifai PAT found", metadata: [
            "pat_source": "\(overrides.patFile.map { "--pat-file \($0)" } ?? ClarifaiSetting.pat.environmentVariable)",
        ])
        guard let userID = value(.userID) else { throw .missingSetting(.userID) }
        guard let appID = value(.appID) else { throw .missingSetting(.appID) }
        let apiBase = try parseAPIBase(value(.apiBase), logger: logger)
        let endpoints = try EvaluationEndpoints.parse(value(.evaluationEndpoints))
        return ClarifaiConfiguration(
            pat: pat, userID: userID, appID: appID, modelID: value(.modelID),
            modelVersionID: value(.modelVersionID), datasetID: value(.datasetID),
            datasetAppID: value(.datasetAppID), datasetUserID: value(.datasetUserID),
            datasetVersionID: value(.datasetVersionID), apiBase: apiBase, evaluationEndpoints: endpoints
        )
    }

    static func readConfigFile(_ path: String) throws(ClarifaiError) -> [ClarifaiSetting: String] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .configFileUnreadable(path: path, reason: Self.reason(error))
        }
        return try ClarifaiConfigFile.parse(text, path: path)
    }

    static func readPATFile(_ path: String, logger: Logger) throws(ClarifaiError) -> PersonalAccessToken {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .patFileUnreadable(path: path, reason: Self.reason(error))
        }
        if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? Int,
           mode & 0o077 != 0
        {
            logger.warning(
                "The Clarifai PAT file is readable by group or others; restrict it with chmod 600",
                metadata: ["path": "\(path)", "mode": "\(String(mode & 0o777, radix: 8))"]
            )
        }
        let firstLine = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return try PersonalAccessToken(String(firstLine), source: "--pat-file \(path)")
    }

    static func parseAPIBase(_ text: String?, logger: Logger) throws(ClarifaiError) -> URL {
        guard var text else { return defaultAPIBase }
        while text.hasSuffix("/") { text.removeLast() }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil
        else {
            throw .invalidSetting(.apiBase, value: text, reason: "expected an http(s) URL such as https://api.clarifai.com")
        }
        if scheme == "http", !["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) {
            logger.warning(
                "CLARIFAI_API_BASE is plain HTTP: the PAT travels unencrypted; use https",
                metadata: ["api_base": "\(text)"]
            )
        }
        return url
    }

    private static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        return nsError.localizedDescription
    }
}
