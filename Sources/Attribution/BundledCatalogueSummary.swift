// Made from Catalogue/signatures.json by `Catalogue.bundledSummarySource()`. When the catalogue
// changes, AttributionTests' "bundled summary" test fails; make this file again with
// `CENSUS_WRITE_SUMMARY=1 swift test --filter bundledSummary`.
enum BundledCatalogueSummary {
    static let catalogueDigest: UInt64 = 0xdbad21114ef93cbb
    static let summary = RulesSummary(
        fingerprint: "2026.11.30.2#bf7b4a0f686b8f17",
        notesRefs: ["refs/notes/ai", "refs/notes/exceeds-ink", "refs/notes/agent-trace"],
        agentConfigurationPaths: ["CLAUDE.md", "AGENTS.md", "GEMINI.md", ".cursorrules", ".cursor/rules", ".github/copilot-instructions.md", ".aider.conf.yml", ".windsurfrules", ".clinerules", ".junie/guidelines.md", ".claude", ".windsurf/rules", ".openhands/microagents", "replit.md"])
}
