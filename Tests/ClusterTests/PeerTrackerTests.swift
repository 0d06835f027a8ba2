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
        for endpoint in endpoints {
            _ = tracker.report(request(endpoint), held: set(12, []), publicKey: nil, holders: [], now: .zero)
        }
        var assignedTo: [Int: [String]] = [:]
        for endpoint in endpoints {
            let answer = tracker.report(request(endpoint), held: set(12, []), publicKey: nil, holders: [], now: .milliseconds(10))
            for index in answer.assigned.indices { assignedTo[index, default: []].append(endpoint) }
        }
        #expect(assignedTo.count == 12 && assignedTo.values.allSatisfy { $0.count == 1 })
        #expect(Set(assignedTo.values.map { $0[0] }) == Set(endpoints))
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

    @Test func aFetcherThatServesNothingTakesWhatNoPeerHolds() {
        var tracker = PeerTracker()
        _ = tracker.report(request("tcp://a:1"), held: set(12, []), publicKey: nil, holders: [], now: .zero)
        let answer = tracker.report(request(nil), held: set(12, []), publicKey: nil, holders: [], now: .zero)
        #expect(answer.assigned.isComplete)
        #expect(tracker.fetchers[hash]?.keys.sorted() == ["tcp://a:1"], "it is not remembered as a source")
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

    @Test func aReportOfAnotherChunkCountIsNotMixedIn() {
        var tracker = PeerTracker()
        _ = tracker.report(request("tcp://a:1", chunks: 5), held: set(5, 0..<5), publicKey: nil, holders: [], now: .zero)
        let answer = tracker.report(request("tcp://b:1"), held: set(12, []), publicKey: nil, holders: [], now: .zero)
        #expect(answer.sources.peers.isEmpty && answer.assigned.isComplete)
    }
}
