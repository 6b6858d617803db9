import Foundation
import PackagePlugin

/// Compiles the signal catalogue into the Attribution module: at build time,
/// `Catalogue/signatures.json` becomes `EmbeddedCatalogue.swift`, a raw string
/// literal, so that `census` and `censusd` need nothing beside them once copied
/// or installed (a SwiftPM resource bundle lives in the build folder, and the
/// binaries crashed without it).
///
/// The command is POSIX sh, not a Swift tool of the package: a tool would be
/// built with the fuzzing build's flags too, and libFuzzer's `main` would
/// collide with the tool's. The literal's delimiter is eight `#`s; a catalogue
/// that contains `"########` fails the build instead of ending it early.
@main
struct EmbedCatalogue: BuildToolPlugin {
    static let script = ##########"""
        set -e
        if grep -q '"########' "$1"; then echo "$1: contains \"########, which would end the embedded literal" >&2; exit 1; fi
        {
          echo '// Generated at build time from Catalogue/signatures.json by the EmbedCatalogue plugin. Do not edit.'
          echo 'enum EmbeddedCatalogue {'
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
        let input = target.directoryURL.appending(path: "Catalogue/signatures.json")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedCatalogue.swift")
        return [.buildCommand(
            displayName: "Embedding the signal catalogue",
            executable: URL(fileURLWithPath: "/bin/sh"),
            arguments: ["-c", Self.script, "embed-catalogue", input.path, output.path],
            inputFiles: [input],
            outputFiles: [output])]
    }
}
