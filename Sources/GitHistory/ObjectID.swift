internal import CLibGit2

/// A commit's SHA-1, held as 20 bytes so that sets of thousands of ids stay small
/// and hash quickly.
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    // Three words instead of an array: no heap allocation per id.
    @usableFromInline let a: UInt64
    @usableFromInline let b: UInt64
    @usableFromInline let c: UInt32

    init(_ oid: git_oid) {
        var copy = oid
        (a, b, c) = withUnsafeBytes(of: &copy.id) { raw in
            (raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
             raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
        }
    }

    init(words: (UInt64, UInt64, UInt32)) {
        (a, b, c) = words
    }

    /// Parses 40 hexadecimal digits; nil for anything else.
    public init?(hex: String) {
        guard hex.utf8.count == 40 else { return nil }
        var oid = git_oid()
        let ok = hex.withCString { git_oid_fromstr(&oid, $0) } == 0
        guard ok else { return nil }
        self.init(oid)
    }

    var gitOID: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { raw in
            raw.storeBytes(of: a, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: b, toByteOffset: 8, as: UInt64.self)
            raw.storeBytes(of: c, toByteOffset: 16, as: UInt32.self)
        }
        return oid
    }

    /// The 40-digit lower-case hexadecimal form git prints.
    public var hex: String {
        var words = (a, b, c)
        return withUnsafeBytes(of: &words) { raw in
            let digits: [UInt8] = Array("0123456789abcdef".utf8)
            return String(unsafeUninitializedCapacity: 40) { out in
                for i in 0..<20 {
                    let byte = raw[i]
                    out[2 * i] = digits[Int(byte >> 4)]
                    out[2 * i + 1] = digits[Int(byte & 0x0f)]
                }
                return 40
            }
        }
    }

    public var description: String { hex }

    /// The first eight bytes are enough: ids are SHA-1 digests, uniform already.
    public func hash(into hasher: inout Hasher) { hasher.combine(a) }

    /// The order of the bytes (and of the hexadecimal form): big-endian words compared in turn.
    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
        if lhs.a != rhs.a { return lhs.a.bigEndian < rhs.a.bigEndian }
        if lhs.b != rhs.b { return lhs.b.bigEndian < rhs.b.bigEndian }
        return lhs.c.bigEndian < rhs.c.bigEndian
    }

    /// The first of the 20 bytes.
    var firstByte: UInt8 { UInt8(truncatingIfNeeded: a) }

    /// Calls `body` with the 20 bytes.
    func withRawBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        var words = (a, b, c)
        return try withUnsafeBytes(of: &words) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<20])) }
    }
}
