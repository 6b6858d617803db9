import Foundation
import PackagePlugin

/// Compiles a target's data files into it: at build time,
/// `Catalogue/signatures.json` (Attribution) becomes `EmbeddedCatalogue.swift`
/// and `OpenAPI/openapi.json` (CensusServer) `EmbeddedOpenAPI.swift`, each a raw
/// string literal, so that `census` and `censusd` need nothing beside them once
/// copied or installed (a SwiftPM resource bundle lives in the build folder,
/// and the binaries crashed without it).
///
/// The command is POSIX sh, not a Swift tool of the package: a tool would be
/// built with the fuzzing build's flags too, and libFuzzer's `main` would
/// collide with the tool's. The literal's delimiter is eight `#`s; a file
/// that contains `"########` fails the build instead of ending it early.
@main
struct EmbedData: BuildToolPlugin {
    /// The data files a target may hold, and the enum each becomes.
    static let files = [("Catalogue/signatures.json", "EmbeddedCatalogue"), ("OpenAPI/openapi.json", "EmbeddedOpenAPI")]

    static let script = ##########"""
        set -e
        if grep -q '"########' "$1"; then echo "$1: contains \"########, which would end the embedded literal" >&2; exit 1; fi
        {
          echo "// Generated at build time from $4 by the EmbedData plugin. Do not edit."
          echo "enum $3 {"
          echo '    static let json = ########"""'
          cat "$1"
          echo
          echo '"""########'
          echo '}'
        } > "$2.tmp"
        mv "$2.tmp" "$2"
        """##########

    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        return Self.files.compactMap { file, name in
            let input = target.directoryURL.appending(path: file)
            guard FileManager.default.fileExists(atPath: input.path) else { return nil }
            let output = context.pluginWorkDirectoryURL.appending(path: "\(name).swift")
            return .buildCommand(
                displayName: "Embedding \(file)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", Self.script, "embed-data", input.path, output.path, name, file],
                inputFiles: [input],
                outputFiles: [output])
        }
    }
}
