/// What `census` does with its arguments before swift-argument-parser reads them.
enum Arguments {
    /// Options every subcommand takes, which people also write before it
    /// (`census --db x.sqlite report`), as git's `-C` and gh's `--repo` go.
    static let leading = ["--db", "--config"]

    /// `arguments` (without the program's name) with the store and
    /// configuration options written before the subcommand moved after it.
    static func reordered(_ arguments: [String]) -> [String] {
        var index = 0
        var moved: [String] = []
        while index < arguments.count {
            let argument = arguments[index]
            if leading.contains(argument), index + 1 < arguments.count {
                moved += arguments[index...index + 1]
                index += 2
            } else if leading.contains(where: { argument.hasPrefix($0 + "=") }) {
                moved.append(argument)
                index += 1
            } else {
                break
            }
        }
        guard !moved.isEmpty, index < arguments.count else { return arguments }
        return [arguments[index]] + moved + arguments[(index + 1)...]
    }

    /// A one-line error for a first word that is no subcommand, with the
    /// nearest one when it is a likely slip (`scna` → `scan`); nil when the
    /// first word is a subcommand, an option or absent.
    static func unknownSubcommand(_ arguments: [String], known: [String]) -> String? {
        guard let word = arguments.first, !word.hasPrefix("-"), !known.contains(word), word != "help" else { return nil }
        let shown = String(word.prefix(40))
        let nearest = known.map { ($0, distance(word.lowercased(), $0)) }.min { $0.1 < $1.1 }
        if let (name, steps) = nearest, steps <= max(1, name.count / 3) || name.hasPrefix(word.lowercased()) {
            return "'\(shown)' is not a census command; did you mean '\(name)'? (see census --help)"
        }
        return "'\(shown)' is not a census command (commands: \(known.joined(separator: ", ")))"
    }

    /// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.prefix(64)), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1) }
            }
        }
        return table[a.count][b.count]
    }
}
