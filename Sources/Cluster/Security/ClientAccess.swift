/// Who may use a job or a dataset on a coordinator with keys: the client key that submitted the
/// job (or uploaded the dataset), and the administrators. A pure rule, so the core asks it and the
/// tests pin it without sockets.
///
/// Without keys there is no `ClientAccess` (the core holds nil) and every client sees everything,
/// as the coordinator's start-up warning says: nobody is authenticated, so nobody owns anything.
public struct ClientAccess: Sendable, Equatable {
    /// Allowlist names (ZAP User-Ids on the client socket) that see, read and cancel every job:
    /// `--admin-key` names, and always the coordinator's own key (`CoordinatorKeys.ownName`),
    /// whose holder controls the coordinator anyway.
    public let admins: Set<String>

    public init(admins: Set<String>) {
        self.admins = admins.union([CoordinatorKeys.ownName])
    }

    /// Whether `client` (its key's allowlist name) may see, read, watch and cancel a job owned by
    /// `owner`. A job without an owner was stored by a coordinator without keys or before owners
    /// were recorded: only administrators may use it, since nobody can prove it is theirs.
    public func mayUse(jobOwnedBy owner: String?, client: String?) -> Bool {
        guard let client, !client.isEmpty else { return false }
        if admins.contains(client) { return true }
        guard let owner else { return false }
        return owner == client
    }

    /// Whether `client` may learn that the coordinator holds a dataset whose uploaders (and owners of
    /// jobs that used it) are `holders`, and use it by hash. Anyone else is told it is absent and
    /// uploads it, which proves they hold the bytes.
    public func mayUse(datasetHeldBy holders: Set<String>, client: String?) -> Bool {
        guard let client, !client.isEmpty else { return false }
        return admins.contains(client) || holders.contains(client)
    }
}
