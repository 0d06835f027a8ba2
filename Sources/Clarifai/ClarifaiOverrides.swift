/// Settings given on the command line. They win over the config file, which wins over the
/// environment.
public struct ClarifaiOverrides: Sendable, Equatable {
    /// A `KEY=VALUE` file of CLARIFAI_* settings (never the PAT).
    public var configFile: String?
    /// A file whose first line is the PAT (`--pat-file`).
    public var patFile: String?
    /// Flag values by setting; `.pat` is ignored here (use `patFile`).
    public var values: [ClarifaiSetting: String]

    public init(configFile: String? = nil, patFile: String? = nil, values: [ClarifaiSetting: String] = [:]) {
        self.configFile = configFile
        self.patFile = patFile
        self.values = values
    }
}
