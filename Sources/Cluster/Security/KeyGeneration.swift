import ZeroMQ

/// Writes a fresh set of keys in the layout `KeyDirectory` describes: a coordinator folder with
/// both allowlists, `worker-1`...`worker-N` and `client-1`...`client-M` folders.
///
/// libzmq#4241: generating keys can close libsodium's random source under a live ZeroMQ context
/// on systems without `getrandom`; `crossfold keys generate` therefore runs this in a process of
/// its own that opens no context.
public enum KeyGeneration {
    /// What was written.
    public struct Summary: Sendable, Equatable {
        /// The folder of each role (`coordinator`, `worker-1`, `client-1`, ...), in that order.
        public let folders: [Folder]
        public let coordinator: CurvePublicKey
        public let workers: Allowlist
        public let clients: Allowlist
    }

    /// One role's folder: its name (the allowlist name of its key) and path.
    public struct Folder: Sendable, Equatable {
        public let name: String
        public let path: String
    }

    /// Generates a coordinator pair, `workers` worker pairs and `clients` client pairs under
    /// `directory` (created 0700 if missing).
    /// - Parameters:
    ///   - force: overwrite the files of role folders that exist already; without it, any existing
    ///     role folder is an error and nothing is written.
    ///   - generate: the key source (tests pass a deterministic one).
    /// - Throws: `KeyFileError` `.exists` (naming the folders) without `force`, `.invalid` for counts
    ///   outside 1...1000, `.unwritable` when a folder or file cannot be written.
    public static func generate(
        in directory: String, workers: Int = 1, clients: Int = 1, force: Bool = false,
        generate: () throws(ZeroMQError) -> CurveKeyPair = CurveKeyPair.generate
    ) throws(KeyFileError) -> Summary {
        let root = KeyDirectory(directory).path
        for (flag, count) in [("--workers", workers), ("--clients", clients)] where !(1...1000).contains(count) {
            throw KeyFileError(.invalid, path: root, "\(flag) \(count) is out of range", fix: "give a number from 1 to 1000")
        }
        let names = ["coordinator"] + (1...workers).map { "worker-\($0)" } + (1...clients).map { "client-\($0)" }
        let existing = names.filter { KeyFiles.exists("\(root)/\($0)") }
        if !force, !existing.isEmpty {
            throw KeyFileError(
                .exists, path: root, "keys exist already (\(existing.joined(separator: ", ")))",
                fix: "choose another directory, or pass --force to replace them (every host then needs its new folder)")
        }

        let pairs: [CurveKeyPair]
        do {
            pairs = try names.map { _ throws(ZeroMQError) in try generate() }
        } catch {
            throw KeyFileError(.unwritable, path: root, "cannot generate CURVE keys (\(error))",
                               fix: "install a libzmq built with CURVE (Debian's libzmq5 is)")
        }
        let coordinator = pairs[0]
        let workerEntries = (0..<workers).map { Allowlist.Entry(name: names[1 + $0], key: pairs[1 + $0].publicKey) }
        let clientEntries = (0..<clients).map {
            Allowlist.Entry(name: names[1 + workers + $0], key: pairs[1 + workers + $0].publicKey)
        }
        let workerList = try Allowlist(workerEntries, path: KeyDirectory.workersAllowlist)
        let clientList = try Allowlist(clientEntries, path: KeyDirectory.clientsAllowlist)

        try KeyFiles.makePrivateDirectory(root)
        var folders: [Folder] = []
        func folder(_ name: String) throws(KeyFileError) -> String {
            let path = "\(root)/\(name)"
            try KeyFiles.makePrivateDirectory(path)
            folders.append(Folder(name: name, path: path))
            return path
        }
        func write(_ key: String, _ file: String, in path: String) throws(KeyFileError) {
            try KeyFiles.writePrivate(key + "\n", to: "\(path)/\(file)")
        }

        let coordinatorFolder = try folder("coordinator")
        try write(coordinator.secretKey.z85, KeyDirectory.coordinatorSecret, in: coordinatorFolder)
        try write(coordinator.publicKey.z85, KeyDirectory.coordinatorPublic, in: coordinatorFolder)
        try KeyFiles.writePrivate(workerList.text(comment: workersComment), to: "\(coordinatorFolder)/\(KeyDirectory.workersAllowlist)")
        try KeyFiles.writePrivate(clientList.text(comment: clientsComment), to: "\(coordinatorFolder)/\(KeyDirectory.clientsAllowlist)")
        for (index, entry) in workerEntries.enumerated() {
            let path = try folder(entry.name)
            try write(coordinator.publicKey.z85, KeyDirectory.coordinatorPublic, in: path)
            try write(pairs[1 + index].secretKey.z85, KeyDirectory.workerSecret, in: path)
            try write(entry.key.z85, KeyDirectory.workerPublic, in: path)
        }
        for (index, entry) in clientEntries.enumerated() {
            let path = try folder(entry.name)
            try write(coordinator.publicKey.z85, KeyDirectory.coordinatorPublic, in: path)
            try write(pairs[1 + workers + index].secretKey.z85, KeyDirectory.clientSecret, in: path)
            try write(entry.key.z85, KeyDirectory.clientPublic, in: path)
        }
        return Summary(folders: folders, coordinator: coordinator.publicKey, workers: workerList, clients: clientList)
    }

    static let workersComment = """
        workers.allow: CURVE public keys allowed on the coordinator's worker and data sockets (ZAP domain "workers").
        One NAME PUBLIC_KEY per line. Add a line to admit a worker key, delete it to revoke the key;
        restart the coordinator to apply. Replicas sharing one key are told apart by their worker names.
        """

    static let clientsComment = """
        clients.allow: CURVE public keys allowed on the coordinator's client socket (ZAP domain "clients"):
        submit, jobs, status, watch, cancel, results. One NAME PUBLIC_KEY per line; restart the coordinator
        to apply. The coordinator's own key is always allowed here (health checks on its host).
        """
}
