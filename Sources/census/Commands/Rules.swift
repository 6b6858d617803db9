import ArgumentParser
import Attribution
import Foundation
import Reports

struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the attribution rules and identities in force.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @OptionGroup var common: CommonOptions

    @Option(help: "Output format.")
    var format: Format = .table

    func run() throws {
        let catalogue = try common.classifier().catalogue
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(catalogue), as: UTF8.self))
        case .table:
            print("Signal catalogue \(catalogue.version): \(catalogue.identities.count) identities, \(catalogue.rules.count) rules\n")
            print(ReportText.table(
                ["identity", "tool", "class", "matches (author, committer, co-author trailer)"],
                catalogue.identities.map { identity in
                    var patterns: [String] = []
                    patterns += identity.emails ?? []
                    patterns += (identity.githubIDs ?? []).map { "\($0)+…@users.noreply.github.com" }
                    patterns += identity.noreplyLocals ?? []
                    patterns += (identity.logins ?? []).map { "login \($0)" }
                    patterns += (identity.loginSuffixes ?? []).map { "login *\($0)" }
                    patterns += (identity.nameSuffixes ?? []).map { "name *\($0)" }
                    return [identity.id, identity.tool ?? "-", identity.class.rawValue, patterns.joined(separator: ", ")]
                }), terminator: "")
            print("")
            print(ReportText.table(
                ["rule", "tool", "kind", "confidence", "pattern"],
                catalogue.rules.map { rule in
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
                }), terminator: "")
        }
    }
}
