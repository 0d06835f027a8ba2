import Foundation
import ZeroMQ

/// One role's folder of keys, as `crossfold keys generate DIR` writes them and `--keys` reads them.
/// Each role gets only its own folder:
///
/// ```
/// DIR/                        0700
///   coordinator/              0700   the coordinator host
///     coordinator.key         0600   its secret key
///     coordinator.pub         0600   its public key (every worker and client needs a copy)
///     workers.allow           0600   NAME PUBLIC_KEY lines: keys allowed on the worker and data sockets
///     clients.allow           0600   keys allowed on the client socket
///   worker-1/                 0700   a worker host (or every replica of one worker deployment)
///     coordinator.pub, worker.key, worker.pub
///   client-1/                 0700   a user or CI job that submits and reads jobs
///     coordinator.pub, client.key, client.pub
/// ```
///
/// Key files hold the 40-character Z85 key and a newline. Reading refuses a secret key other users
/// can read and any key file other users can write.
public struct KeyDirectory: Sendable, Equatable {
    public static let coordinatorSecret = "coordinator.key"
    public static let coordinatorPublic = "coordinator.pub"
    public static let workersAllowlist = "workers.allow"
    public static let clientsAllowlist = "clients.allow"
    public static let workerSecret = "worker.key"
    public static let workerPublic = "worker.pub"
    public static let clientSecret = "client.key"
    public static let clientPublic = "client.pub"

    /// The folder.
    public let path: String

    public init(_ path: String) {
        self.path = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// The coordinator's keys: its pair and both allowlists.
    /// - Throws: `KeyFileError` for a missing, unreadable, too open or malformed file, or a public
    ///   key that does not belong to the secret one.
    public func coordinatorKeys() throws(KeyFileError) -> CoordinatorKeys {
        let pair = try keyPair(secret: Self.coordinatorSecret, public: Self.coordinatorPublic, role: "coordinator")
        return CoordinatorKeys(
            keyPair: pair,
            workers: try allowlist(Self.workersAllowlist),
            clients: try allowlist(Self.clientsAllowlist))
    }

    /// A worker's keys: the coordinator's public key and its own pair.
    /// - Throws: `KeyFileError` as `coordinatorKeys()`.
    public func workerKeys() throws(KeyFileError) -> PeerKeys {
        PeerKeys(
            coordinator: try publicKey(Self.coordinatorPublic, role: "worker"),
            keyPair: try keyPair(secret: Self.workerSecret, public: Self.workerPublic, role: "worker"))
    }

    /// A client's keys. A coordinator's folder works too: the coordinator's own key is allowed on
    /// its client socket, so health checks on its host need no client key.
    /// - Throws: `KeyFileError` as `coordinatorKeys()`.
    public func clientKeys() throws(KeyFileError) -> PeerKeys {
        if !KeyFiles.exists(file(Self.clientSecret)), KeyFiles.exists(file(Self.coordinatorSecret)) {
            let pair = try keyPair(secret: Self.coordinatorSecret, public: Self.coordinatorPublic, role: "coordinator")
            return PeerKeys(coordinator: pair.publicKey, keyPair: pair)
        }
        return PeerKeys(
            coordinator: try publicKey(Self.coordinatorPublic, role: "client"),
            keyPair: try keyPair(secret: Self.clientSecret, public: Self.clientPublic, role: "client"))
    }

    func file(_ name: String) -> String { "\(path)/\(name)" }

    func keyPair(secret secretName: String, public publicName: String, role: String) throws(KeyFileError) -> CurveKeyPair {
        let secretPath = file(secretName)
        let secretText = try KeyFiles.read(secretPath, secret: true, role: role)
        let secret: CurveSecretKey
        let derived: CurvePublicKey
        do {
            secret = try CurveSecretKey(z85: Self.keyText(secretText))
            derived = try CurveKeyPair.curvePublic(fromSecret: secret)
        } catch {
            throw KeyFileError(.invalid, path: secretPath, "is not a CURVE secret key (\(error.detail ?? error.reason))",
                               fix: "restore it from the folder `crossfold keys generate` wrote")
        }
        let publicKey = try self.publicKey(publicName, role: role)
        guard publicKey == derived else {
            throw KeyFileError(.invalid, path: file(publicName), "does not belong to \(secretName)",
                               fix: "copy both files from the same folder of `crossfold keys generate`")
        }
        return CurveKeyPair(publicKey: publicKey, secretKey: secret)
    }

    func publicKey(_ name: String, role: String) throws(KeyFileError) -> CurvePublicKey {
        let path = file(name)
        let text = try KeyFiles.read(path, secret: false, role: role)
        do {
            return try CurvePublicKey(z85: Self.keyText(text))
        } catch {
            throw KeyFileError(.invalid, path: path, "is not a CURVE public key (\(error.detail ?? error.reason))",
                               fix: "copy the whole file from the folder `crossfold keys generate` wrote")
        }
    }

    func allowlist(_ name: String) throws(KeyFileError) -> Allowlist {
        let path = file(name)
        return try Allowlist.parse(KeyFiles.read(path, secret: false, role: "coordinator"), path: path)
    }

    /// The key in a key file: its text without surrounding whitespace.
    static func keyText(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
