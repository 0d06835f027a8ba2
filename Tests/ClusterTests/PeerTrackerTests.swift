@testable import Cluster
import Testing
import Wire

private let hash = String(repeating: "a", count: 64)

private func set(_ count: Int, _ members: some Sequence<Int>) -> ChunkSet {
    var set = ChunkSet(count: count)
    for index in members { set.insert(index) }
    return set
}

private func request(_ endpoint: String?, chunks: Int = 12, excluded: [String] = []) -> SourcesRequest {
    SourcesRequest(dataset: hash, chunks: chunks, endpoint: endpoint, excluded: excluded)
}

@Suite struct PeerTrackerTests {
    @Test func aLoneFetcherIsAssignedEveryChunkItLacks() {
        var tracker = PeerTracker()
        let answer = tracker.report(request("tcp://a:1"), held: set(12, [0, 1]), publicKey: nil, holders: [], now: .zero)
        #expect(answer.sources.peers.isEmpty)
        #expect(answer.assigned.indices == Array(2..<12))
    }

    @Test func fetchersThatLackAChunkShareItOutSoTheCoordinatorSendsItOnce() {
        var tracker = PeerTracker()
        let endpoints = ["tcp://a:1", "tcp://b:1", "tcp://c:1"]
        // Whoever comes first is assigned everything until its next report; no chunk is ever
        // assigned to two fetchers at once.
        var assignedTo: [Int: Set<String>] = [:]
        for round in 0..<3 {
            for endpoint in endpoints {
                let answer = tracker.report(request(endpoint), held: set(12, []), publicKey: nil, holders: [], now: .milliseconds(round))
                for index in 0..<12 { assignedTo[index, default: []].remove(endpoint) }
                for index in answer.assigned.indices { assignedTo[index, default: []].insert(endpoint) }
                #expect(assignedTo.values.allSatisfy { $0.count <= 1 })
            }
        }
        // Once everyone has reported twice, the chunks are shared out among all three.
        #expect(assignedTo.values.allSatisfy { $0.count == 1 })
        #expect(Set(assignedTo.values.flatMap { $0 }) == Set(endpoints))
    }

    @Test func aChunkAPeerHoldsIsTakenFromThePeerNotTheCoordinator() {
        var tracker = PeerTracker()
        _ = tracker.report(request("tcp://a:1"), held: set(12, 0..<6), publicKey: "KEY-A", holders: [], now: .zero)
        let answer = tracker.report(request("tcp://b:1"), held: set(12, []), publicKey: nil, holders: [], now: .zero)
        #expect(answer.sources.peers == [Sources.Peer(endpoint: "tcp://a:1", publicKey: "KEY-A")])
        #expect(answer.held == [set(12, 0..<6)])
        #expect(answer.assigned.indices.allSatisfy { $0 >= 6 })
    }

    @Test func aWorkerHoldingTheWholeDatasetServesEverything() {
        var tracker = PeerTracker()
        let holder = PeerTracker.Holder(endpoint: "tcp://h:1", publicKey: nil)
        let answer = tracker.report(request("tcp://b:1"), held: set(12, []), publicKey: nil, holders: [holder], now: .zero)
        #expect(answer.sources.peers.map(\.endpoint) == ["tcp://h:1"])
        #expect(answer.held == [.all(12)])
        #expect(answer.assigned.isEmpty)
    }

    @Test func anExcludedPeerIsNeitherOfferedNorCountedAsHoldingItsChunks() {
        var tracker = PeerTracker()
        let holder = PeerTracker.Holder(endpoint: "tcp://bad:1", publicKey: nil)
        let answer = tracker.report(
            request("tcp://b:1", excluded: ["tcp://bad:1"]), held: set(12, []), publicKey: nil, holders: [holder], now: .zero)
        #expect(answer.sources.peers.isEmpty)
        #expect(answer.assigned.isComplete, "with its only source excluded, the fetcher takes everything from the coordinator")
    }

    @Test func aFetcherThatServesNothingTakesWhatNoPeerHoldsOrIsAbout() {
        var tracker = PeerTracker()
        // a holds half and is assigned the rest; a fetcher without a data port takes a's half
        // from a, waits for the rest to reach a, and is not remembered as a source.
        _ = tracker.report(request("tcp://a:1"), held: set(12, 0..<6), publicKey: nil, holders: [], now: .zero)
        let answer = tracker.report(request(nil), held: set(12, []), publicKey: nil, holders: [], now: .zero)
        #expect(answer.sources.peers.map(\.endpoint) == ["tcp://a:1"])
        #expect(answer.assigned.isEmpty)
        #expect(tracker.fetchers[hash]?.keys.sorted() == ["tcp://a:1"])
        // Once a has gone silent, everything falls to it.
        let alone = tracker.report(request(nil), held: set(12, []), publicKey: nil, holders: [], now: .seconds(4))
        #expect(alone.assigned.isComplete)
    }

    @Test func silentFetchersExpireAndLeftWorkersAreForgotten() {
        var tracker = PeerTracker()
        _ = tracker.report(request("tcp://a:1"), held: set(12, 0..<6), publicKey: nil, holders: [], now: .zero)
        _ = tracker.report(request("tcp://c:1"), held: set(12, 0..<3), publicKey: nil, holders: [], now: .seconds(2))
        let later = tracker.report(request("tcp://b:1"), held: set(12, []), publicKey: nil, holders: [], now: .seconds(4))
        #expect(later.sources.peers.map(\.endpoint) == ["tcp://c:1"])
        tracker.forget(endpoint: "tcp://c:1")
        #expect(tracker.fetchers[hash]?["tcp://c:1"] == nil)
    }

    @Test func atMostSixteenPeersAreOfferedTheMostUsefulFirst() {
        var tracker = PeerTracker()
        for peer in 0..<20 {
            _ = tracker.report(request("tcp://p\(peer):1", chunks: 40), held: set(40, 0..<(peer + 1)), publicKey: nil, holders: [], now: .zero)
        }
        let answer = tracker.report(request("tcp://new:1", chunks: 40), held: set(40, []), publicKey: nil, holders: [], now: .zero)
        #expect(answer.sources.peers.count == WireProtocol.maxPeers)
        #expect(answer.sources.peers.first?.endpoint == "tcp://p19:1")
        #expect(!answer.sources.peers.contains { $0.endpoint == "tcp://p0:1" })
    }

    @Test func aChunkAFetcherAlreadyAskedTheCoordinatorForStaysItsOwnWhoeverJoins() {
        var tracker = PeerTracker()
        // a is alone and asks the coordinator for chunks 0-3; then b and c join.
        _ = tracker.report(request("tcp://a:1"), held: set(12, []), claimed: set(12, 0..<4), publicKey: nil, holders: [], now: .zero)
        for endpoint in ["tcp://b:1", "tcp://c:1"] {
            let answer = tracker.report(request(endpoint), held: set(12, []), publicKey: nil, holders: [], now: .zero)
            #expect(answer.assigned.indices.allSatisfy { $0 >= 4 }, "\(endpoint) got a chunk a asked for")
        }
        let mine = tracker.report(request("tcp://a:1"), held: set(12, []), claimed: set(12, 0..<4), publicKey: nil, holders: [], now: .zero)
        #expect(Set(0..<4).isSubset(of: Set(mine.assigned.indices)))
    }

    @Test func aReportOfAnotherChunkCountIsNotMixedIn() {
        var tracker = PeerTracker()
        _ = tracker.report(request("tcp://a:1", chunks: 5), held: set(5, 0..<5), publicKey: nil, holders: [], now: .zero)
        let answer = tracker.report(request("tcp://b:1"), held: set(12, []), publicKey: nil, holders: [], now: .zero)
        #expect(answer.sources.peers.isEmpty && answer.assigned.isComplete)
    }
}
