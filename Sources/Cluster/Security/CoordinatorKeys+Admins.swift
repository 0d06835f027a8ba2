extension CoordinatorKeys {
    /// The access rule for this coordinator's clients, with `admins` (allowlist names from
    /// `--admin-key`) as administrators besides the coordinator's own key.
    /// - Throws: `KeyFileError` (`invalid`, on `clients.allow`) for an administrator name that
    ///   `clients.allow` does not list (a typo would otherwise grant nothing, silently), and for a
    ///   `clients.allow` key named `coordinator`, which would pass for the coordinator's own key
    ///   and so for an administrator.
    public func clientAccess(admins: [String], allowlistPath: String = KeyDirectory.clientsAllowlist) throws(KeyFileError) -> ClientAccess {
        let names = Set(clients.entries.map(\.name))
        if let impostor = clients.entries.first(where: { $0.name == Self.ownName && $0.key != keyPair.publicKey }) {
            throw KeyFileError(
                .invalid, path: allowlistPath,
                "a client key is named \(impostor.name), the name of the coordinator's own key, which is an administrator",
                fix: "rename that line's key (any other name) and restart the coordinator")
        }
        for admin in admins where admin != Self.ownName && !names.contains(admin) {
            throw KeyFileError(
                .invalid, path: allowlistPath, "--admin-key \(admin) names no key of clients.allow",
                fix: "give the NAME of a clients.allow line (\(names.sorted().joined(separator: ", ")))")
        }
        return ClientAccess(admins: Set(admins))
    }
}
