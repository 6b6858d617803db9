/// FNV-1a, 64 bits: a digest that is the same on every run and machine
/// (Swift's `Hasher` is seeded per process). Used for content fingerprints and
/// pseudonyms, not for security.
public enum StableHash {
    public static func fnv1a<Bytes: Sequence>(_ bytes: Bytes) -> UInt64 where Bytes.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}
