import Wire

/// Tenancy on a coordinator with keys: a job belongs to the client key that submitted it, and a
/// dataset is known by hash only to the keys that uploaded it or own a job that uses it
/// (`ClientAccess`). A job or dataset a client may not use is answered exactly as one that does
/// not exist, so nobody learns another's job ids or datasets. Without keys (`access == nil`)
/// everything is shared, as before.
extension CoordinatorCore {
    /// The stored job `id`, if it exists and `identity` may use it; nil otherwise, the same for
    /// both, so the refusal (`unknownJob`) says nothing about jobs of others.
    func visibleJob(_ id: String, to identity: String?) -> StoredJob? {
        guard let stored = storedJob(id), mayUse(stored, identity) else { return nil }
        return stored
    }

    func mayUse(_ job: StoredJob, _ identity: String?) -> Bool {
        access?.mayUse(jobOwnedBy: job.owner, client: identity) ?? true
    }

    /// Whether `identity` may know the coordinator holds dataset `hash` and use it by hash.
    func hasDataset(_ hash: String, for identity: String?) -> Bool {
        guard hasDataset(hash) else { return false }
        guard let access else { return true }
        return access.mayUse(datasetHeldBy: datasetHolders[hash] ?? [], client: identity)
    }

    /// Records that `identity` holds dataset `hash` (uploaded it, or owns a job that uses it).
    mutating func recordHolder(of hash: String, _ identity: String?) {
        guard access != nil, let identity, !identity.isEmpty else { return }
        datasetHolders[hash, default: []].insert(identity)
    }

    /// Who holds which dataset, from the owners of stored jobs (at start, before the loop).
    mutating func recordHolders(of stored: [StoredJob]) {
        for job in stored {
            for hash in job.spec.datasetHashes { recordHolder(of: hash, job.owner) }
        }
    }

    /// SUBMIT request ids are the client's to choose: with keys, one key's id never finds another
    /// key's job.
    func submissionKey(_ request: String, owner: String?) -> String {
        guard access != nil else { return request }
        return "\(owner ?? "")\u{0}\(request)"
    }

    /// The owner recorded for a job submitted by `identity`: its key's allowlist name, or nil
    /// without keys.
    func owner(for identity: String?) -> String? {
        access == nil ? nil : identity
    }
}
