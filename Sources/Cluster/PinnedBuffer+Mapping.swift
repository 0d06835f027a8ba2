import Datasets
import ZeroMQ

extension PinnedBuffer {
    /// The bytes of a mapped file, for zero-copy sends: the buffer keeps the mapping alive until
    /// the last frame that refers to it has been sent (or dropped) by libzmq.
    public convenience init(mapping file: MappedFile) {
        let bytes = file.bytes
        let memory = UnsafeMutableRawBufferPointer(mutating: bytes)
        self.init(unsafeAdopting: memory) { _ in
            // Only the mapping's lifetime matters; libzmq never writes through the pointer.
            withExtendedLifetime(file) {}
        }
    }
}
