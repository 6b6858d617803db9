import Attribution
import Foundation

/// `census rules`: the identities and rules in force, as tables or JSON.
public enum CatalogueText {
    public static func json(_ catalogue: Catalogue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(catalogue), as: UTF8.self) + "\n"
    }

    public static func table(_ catalogue: Catalogue) -> String {
        "Signal catalogue \(catalogue.version): \(catalogue.identities.count) identities, \(catalogue.rules.count) rules\n\n"
            + ReportText.table(["identity", "tool", "class", "matches (author, committer, co-author trailer)"],
                               catalogue.identities.map(identityRow))
            + "\n"
            + ReportText.table(["rule", "tool", "kind", "confidence", "pattern"], catalogue.rules.map(ruleRow))
    }

    static func identityRow(_ identity: Catalogue.Identity) -> [String] {
        var patterns: [String] = []
        patterns += identity.emails ?? []
        patterns += (identity.githubIDs ?? []).map { "\($0)+…@users.noreply.github.com" }
        patterns += identity.noreplyLocals ?? []
        patterns += (identity.logins ?? []).map { "login \($0)" }
        patterns += (identity.loginSuffixes ?? []).map { "login *\($0)" }
        patterns += (identity.nameSuffixes ?? []).map { "name *\($0)" }
        return [identity.id, identity.tool ?? "-", identity.class.rawValue, patterns.joined(separator: ", ")]
    }

    static func ruleRow(_ rule: Catalogue.Rule) -> [String] {
        var patterns: [String] = []
        if let keys = rule.keys { patterns.append("trailer " + keys.joined(separator: "|")) }
        if let values = rule.valueContains { patterns.append("value ∋ " + values.joined(separator: "|")) }
        if let values = rule.valueEquals { patterns.append("value = " + values.joined(separator: "|")) }
        if let lines = rule.lineStartsWith { patterns.append("line ^ " + lines.joined(separator: " | ")) }
        if let subjects = rule.subjectPrefix { patterns.append("subject ^ " + subjects.joined(separator: " | ")) }
        if let subjects = rule.subjectEquals { patterns.append("subject = " + subjects.joined(separator: " | ")) }
        if let branches = rule.branchPrefix { patterns.append("merged branch ^ " + branches.joined(separator: "|")) }
        if let ref = rule.notesRef { patterns.append("notes " + ref) }
        return [rule.id, rule.tool ?? "(named in value)", rule.kind.rawValue, rule.confidence.rawValue,
                patterns.joined(separator: "; ")]
    }
}
