import ArgumentParser
import Cluster

/// `--keys DIR`: the folder `crossfold keys generate` wrote for this role; CURVE on every socket.
struct KeysOptions: ParsableArguments {
    @Option(help: "CURVE keys: this role's folder from `crossfold keys generate` (docs/SECURITY.md). Env: CROSSFOLD_KEYS.")
    var keys: String?

    /// The folder from the flag or `CROSSFOLD_KEYS`, or nil to run without CURVE.
    var directory: KeyDirectory? {
        EnvironmentDefaults.string(keys, "CROSSFOLD_KEYS").map(KeyDirectory.init)
    }

    /// A client's keys (a coordinator's folder works too), or nil without `--keys`.
    func clientKeys() throws -> PeerKeys? {
        try directory?.clientKeys()
    }
}
