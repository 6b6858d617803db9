import Foundation

/// Repository text (names, subjects, paths) is written by whoever made the
/// commits: it is hostile until escaped for where it goes.
public enum Sanitize {
    /// Drops control characters and terminal escape sequences (ESC, CSI, OSC,
    /// C1 controls), so that a commit subject cannot move the cursor, change
    /// colours or retitle the terminal. Tabs and newlines become spaces.
    public static func terminal(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            if scalar == "\u{1B}" || scalar == "\u{9B}" {
                // Swallow the sequence: CSI up to its final byte, OSC up to BEL or ST.
                guard let next = scalar == "\u{9B}" ? "[" : scalars.next() else { break }
                if next == "[" {
                    while let s = scalars.next(), !(0x40...0x7E).contains(s.value) {}
                } else if next == "]" || next == "P" || next == "_" || next == "^" {
                    var previous: Unicode.Scalar?
                    while let s = scalars.next() {
                        if s == "\u{07}" || s == "\u{9C}" || (previous == "\u{1B}" && s == "\\") { break }
                        previous = s
                    }
                }
                continue
            }
            if scalar == "\t" || scalar == "\n" || scalar == "\r" {
                result.append(" ")
            } else if !isControl(scalar) {
                result.append(scalar)
            }
        }
        return String(result)
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// One CSV field, quoted when needed; a value that a spreadsheet would run
    /// as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) gets a
    /// leading single quote, as OWASP advises.
    public static func csv(_ text: String) -> String {
        var value = text
        if let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            value = "'" + value
        }
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    /// A number cell: never neutralised, so negative numbers stay numbers.
    public static func csvNumber(_ value: Double?) -> String {
        guard let value else { return "" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// Text for HTML and SVG, attributes included.
    public static func html(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in terminal(text) {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}

