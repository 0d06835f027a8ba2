import Cluster
import Testing
import Wire
import ZeroMQ

/// Jobs and datasets belong to the client key that submitted or uploaded them, on a coordinator
/// with keys: the core driven without sockets, the client's key name given as the ZAP User-Id.
@Suite struct TenancyCoreTests {
    static let access = ClientAccess(admins: ["ops"])

    @Test func theAccessRuleLetsOwnersAndAdministratorsIn() {
        let access = Self.access
        #expect(access.mayUse(jobOwnedBy: "alice", client: "alice"))
        #expect(!access.mayUse(jobOwnedBy: "alice", client: "bob"))
        #expect(access.mayUse(jobOwnedBy: "alice", client: "ops"))
        #expect(access.mayUse(jobOwnedBy: "alice", client: CoordinatorKeys.ownName))
        // A job stored without an owner (before owners were recorded) is for administrators only.
        #expect(!access.mayUse(jobOwnedBy: nil, client: "alice"))
        #expect(access.mayUse(jobOwnedBy: nil, client: "ops"))
        #expect(!access.mayUse(jobOwnedBy: "alice", client: nil))
        #expect(access.mayUse(datasetHeldBy: ["alice"], client: "alice"))
        #expect(!access.mayUse(datasetHeldBy: ["alice"], client: "bob"))
    }

    /// A coordinator with keys: `alice` submits; `bob` gets for her job exactly what he gets for a
    /// job that does not exist, and does not see it listed; `ops` (an administrator) sees all.
    @Test func anotherKeysJobLooksLikeNoJob() throws {
        let h = StoreCoreHarness(store: InMemoryJobStore(), registerDataset: false, access: Self.access)
        h.upload(as: "alice")
        let job = try #require(StoreCoreHarness.submitted(h.send(.client(h.client, .submit(request: "r1", spec: h.spec()), identity: "alice"))))
        let absent = String(repeating: "0", count: 32)

        for request in [ClientRequest.status(request: "q", job: job), .cancel(request: "q", job: job),
                        .results(request: "q", job: job, predictions: true)] {
            let hidden = try #require(StoreCoreHarness.error(h.send(.client(h.client, request, identity: "bob"))))
            let missing = try #require(StoreCoreHarness.error(h.send(.client(h.client, Self.asking(request, about: absent), identity: "bob"))))
            #expect(hidden.code == "unknown-job")
            #expect(hidden.message == missing.message.replacingOccurrences(of: absent, with: job))
        }
        #expect(Self.listed(h, "bob").isEmpty)
        #expect(Self.listed(h, "alice") == [job])
        #expect(Self.listed(h, "ops") == [job])
        #expect(Self.listed(h, CoordinatorKeys.ownName) == [job])
        // Bob's cancel above did nothing; the administrator's does.
        #expect(h.status(job, identity: "alice")?.state == .running)
        _ = h.send(.client(h.client, .cancel(request: "c", job: job), identity: "ops"))
        #expect(h.status(job, identity: "alice")?.state == .cancelled)
    }

    /// A dataset is known by hash to the keys that uploaded it: to another key the coordinator
    /// answers as if it were absent (HAS, UPLOAD, SUBMIT), and takes its upload, after which it
    /// may use it too.
    @Test func anotherKeysDatasetLooksAbsentUntilUploaded() throws {
        let h = StoreCoreHarness(store: InMemoryJobStore(), registerDataset: false, access: Self.access)
        let upload = ClientRequest.Upload(request: "u", dataset: h.hash, offset: 0, size: h.bytes.count)
        let first = StoreCoreHarness.replies(h.send(.client(h.client, .upload(upload, bytes: h.bytes), identity: "alice")))
        #expect(first.contains { if case .uploadAck(let ack) = $0 { ack.complete } else { false } })
        #expect(Self.has(h, "alice") == true)
        #expect(Self.has(h, "bob") == false)
        #expect(Self.has(h, "ops") == true)

        let refused = try #require(StoreCoreHarness.error(h.send(.client(h.client, .submit(request: "b1", spec: h.spec()), identity: "bob"))))
        #expect(refused.code == "unknown-dataset")
        #expect(refused.message == "the coordinator does not hold dataset \(h.hash); upload it with `crossfold submit`")

        // Bob's upload goes through like a first one (chunk by chunk, verified), then he holds it.
        let half = h.bytes.count / 2
        let chunk = ClientRequest.Upload(request: "b-u1", dataset: h.hash, offset: 0, size: h.bytes.count)
        let acks = StoreCoreHarness.replies(h.send(.client(h.client, .upload(chunk, bytes: Array(h.bytes[..<half])), identity: "bob")))
        #expect(acks.contains { if case .uploadAck(let ack) = $0 { ack.received == half && !ack.complete } else { false } })
        let rest = ClientRequest.Upload(request: "b-u2", dataset: h.hash, offset: half, size: h.bytes.count)
        let done = StoreCoreHarness.replies(h.send(.client(h.client, .upload(rest, bytes: Array(h.bytes[half...])), identity: "bob")))
        #expect(done.contains { if case .uploadAck(let ack) = $0 { ack.complete } else { false } })
        #expect(Self.has(h, "bob") == true)
        #expect(StoreCoreHarness.submitted(h.send(.client(h.client, .submit(request: "b1", spec: h.spec()), identity: "bob"))) != nil)
    }

    /// SUBMIT request ids are the client's to choose: another key resending the same id gets a
    /// job of its own, never the first key's id.
    @Test func aSubmitRequestIDNeverFindsAnotherKeysJob() throws {
        let h = StoreCoreHarness(store: InMemoryJobStore(), registerDataset: false, access: Self.access)
        h.upload(as: "alice")
        h.upload(as: "bob")
        let first = try #require(StoreCoreHarness.submitted(h.send(.client(h.client, .submit(request: "same", spec: h.spec()), identity: "alice"))))
        let again = try #require(StoreCoreHarness.submitted(h.send(.client(h.client, .submit(request: "same", spec: h.spec()), identity: "alice"))))
        let other = try #require(StoreCoreHarness.submitted(h.send(.client(h.client, .submit(request: "same", spec: h.spec()), identity: "bob"))))
        #expect(first == again)
        #expect(other != first)
    }

    /// Owners survive a restart; a job stored without one is for administrators only; and the
    /// holders of a dataset are known again from their jobs.
    @Test func ownersSurviveARestart() throws {
        let directory = WorkerFixtures.scratchDirectory("tenancy-restart")
        defer { WorkerFixtures.remove(directory) }
        let before = try StoreFixtures.open(directory)
        let h = StoreCoreHarness(store: before, registerDataset: false, access: Self.access)
        h.upload(as: "alice")
        let job = try #require(StoreCoreHarness.submitted(h.send(.client(h.client, .submit(request: "r1", spec: h.spec()), identity: "alice"))))
        try before.create(StoredJob(id: "legacy", spec: h.spec(), state: .completed, createdAt: 1, finishedAt: 2))
        before.close()

        let after = try StoreFixtures.open(directory)
        defer { after.close() }
        #expect(try after.job(job)?.owner == "alice")
        #expect(try after.job("legacy")?.owner == nil)
        let restarted = StoreCoreHarness(store: after, registerDataset: false, access: Self.access)
        _ = restarted.resume()
        #expect(Self.listed(restarted, "alice") == [job])
        #expect(Set(Self.listed(restarted, "ops")) == [job, "legacy"])
        #expect(Self.has(restarted, "alice") == true)
        #expect(Self.has(restarted, "bob") == false)
    }

    @Test func aVerifyFractionOutside0To1IsRefused() throws {
        let h = StoreCoreHarness(store: InMemoryJobStore())
        var spec = h.spec()
        spec.verify = 1.5
        let refused = try #require(StoreCoreHarness.error(h.send(.client(h.client, .submit(request: "v", spec: spec)))))
        #expect(refused.code == "usage" && refused.message == "--verify 1.5 is outside 0...1")
    }

    /// Without keys nothing is owned: every client sees every job, as before.
    @Test func withoutKeysEveryClientSeesEveryJob() throws {
        let h = StoreCoreHarness(store: InMemoryJobStore())
        let job = try #require(StoreCoreHarness.submitted(h.submit()))
        #expect(Self.listed(h, nil) == [job])
        #expect(h.status(job) != nil)
    }

    static func asking(_ request: ClientRequest, about job: String) -> ClientRequest {
        switch request {
        case .status(let id, _): .status(request: id, job: job)
        case .cancel(let id, _): .cancel(request: id, job: job)
        case .results(let id, _, let predictions, let page): .results(request: id, job: job, predictions: predictions, page: page)
        default: request
        }
    }

    static func listed(_ h: StoreCoreHarness, _ identity: String?) -> [String] {
        for case .jobs(_, let jobs) in StoreCoreHarness.replies(h.send(.client(h.client, .jobs(.init(request: "j")), identity: identity))) {
            return jobs.map(\.job)
        }
        return []
    }

    static func has(_ h: StoreCoreHarness, _ identity: String) -> Bool? {
        for case .has(_, _, let present) in StoreCoreHarness.replies(h.send(.client(h.client, .has(request: "h", dataset: h.hash), identity: identity))) {
            return present
        }
        return nil
    }
}

extension StoreCoreHarness {
    /// Uploads the harness's dataset in one chunk as the client key `identity`.
    func upload(as identity: String) {
        let upload = ClientRequest.Upload(request: "u-\(identity)", dataset: hash, offset: 0, size: bytes.count)
        _ = send(.client(client, .upload(upload, bytes: bytes), identity: identity))
    }

    func status(_ job: String, identity: String?) -> JobStatus? {
        for case .status(_, let status) in Self.replies(send(.client(client, .status(request: "s", job: job), identity: identity))) {
            return status
        }
        return nil
    }
}

/// `--admin-key` names are checked against clients.allow when the coordinator starts.
@Suite struct AdminKeyTests {
    @Test func anAdministratorMustBeAClientsAllowNameAndCoordinatorIsReserved() throws {
        let root = WorkerFixtures.scratchDirectory("admin-keys")
        defer { WorkerFixtures.remove(root) }
        _ = try KeyGeneration.generate(in: root, workers: 1, clients: 2)
        let keys = try KeyDirectory(root + "/coordinator").coordinatorKeys()
        #expect(try keys.clientAccess(admins: ["client-2"]).admins == ["client-2", CoordinatorKeys.ownName])
        #expect(try keys.clientAccess(admins: []).admins == [CoordinatorKeys.ownName])
        do {
            _ = try keys.clientAccess(admins: ["client-9"])
            Issue.record("an unknown administrator name was accepted")
        } catch {
            #expect(error.kind == .invalid)
            #expect(error.description.contains("--admin-key client-9 names no key of clients.allow"), "\(error)")
            #expect(error.description.contains("client-1, client-2"), "\(error)")
        }
        // A clients.allow key named like the coordinator's own key would pass for an administrator.
        let impostor = CoordinatorKeys(
            keyPair: keys.keyPair, workers: keys.workers,
            clients: try Allowlist([.init(name: "coordinator", key: try CurveKeyPair.generate().publicKey)], path: "clients.allow"))
        #expect(throws: KeyFileError.self) { try impostor.clientAccess(admins: []) }
    }
}
