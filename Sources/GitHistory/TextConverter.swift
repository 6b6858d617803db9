#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Converts text a commit declares in another encoding (its `encoding`
/// header: `ISO-8859-1`, `Shift_JIS`, …) to UTF-8, as `git log` does.
///
/// iconv is the C library's own converter, the one git uses: it knows every
/// encoding git can name. Only commits with such a header pay for it.
/// One converter serves a commit's names and message: opened once, reset
/// before each piece, closed when the commit is parsed.
final class TextConverter {
    private let converter: iconv_t?

    /// Nil for UTF-8 itself (nothing to convert) and for an encoding iconv
    /// does not know; git shows such a commit's bytes as they are.
    init?(encoding raw: String) {
        let name = raw.trimmingBlanks
        let folded = name.lowercased()
        guard !name.isEmpty, folded != "utf-8", folded != "utf8" else { return nil }
        let converter = iconv_open("UTF-8", name)
        guard converter != Self.failed else { return nil }
        self.converter = converter
    }

    deinit { iconv_close(converter) }

    /// iconv_open's `(iconv_t) -1`.
    private static var failed: iconv_t? { iconv_t(bitPattern: -1) }

    /// `bytes` in UTF-8, or nil when they are not valid in the encoding
    /// (git then keeps the bytes unconverted).
    func utf8(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        // Back to the initial shift state: a stateful encoding left mid-way by the last piece.
        iconv(converter, nil, nil, nil, nil)
        // UTF-8 takes at most four bytes for any one input byte's character.
        var output = [UInt8](repeating: 0, count: bytes.count * 4 + 4)
        let written: Int? = output.withUnsafeMutableBufferPointer { out in
            var input = UnsafeMutablePointer(mutating: bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) })
            var inputLeft = bytes.count
            var cursor = UnsafeMutableRawPointer(out.baseAddress!).assumingMemoryBound(to: CChar.self) as UnsafeMutablePointer<CChar>?
            var outputLeft = out.count
            guard iconv(converter, &input, &inputLeft, &cursor, &outputLeft) != -1 as Int, inputLeft == 0 else { return nil }
            return out.count - outputLeft
        }
        guard let written else { return nil }
        return String(decoding: output[..<written], as: UTF8.self)
    }
}

private extension String {
    var trimmingBlanks: String {
        String(drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed().drop(while: { $0 == " " || $0 == "\t" || $0 == "\r" }).reversed())
    }
}
