import ArgumentParser
import CensusKit
import Foundation

struct Copy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a store into another: SQLite to PostgreSQL, or back.",
        discussion: """
            Every repository with every commit, verdict, line count and scanned HEAD. A repository is \
            matched by its path; commits already in the destination are skipped, so running it again \
            copies nothing. The source is only read. A PostgreSQL password comes from PGPASSWORD, \
            ~/.pgpass or the configuration's database_password_file, never from the URL.
            """)

    @Option(help: ArgumentHelp("The store to read: an SQLite file or a postgresql:// URL.", valueName: "store"))
    var from: String

    @Option(help: ArgumentHelp("The store to write, created when missing: an SQLite file or a postgresql:// URL.", valueName: "store"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("A census.yml configuration (for database_password_file).", valueName: "file"))
    var config: String?

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        let configuration: CensusConfiguration?
        do {
            configuration = try ConfigurationSource.find(explicit: config).load()
        } catch {
            throw CensusFailure(message: error.description)
        }
        let source = StoreLocation(path: from, origin: "--from"), destination = StoreLocation(path: to, origin: "--to")
        guard source.isPostgres || FileManager.default.fileExists(atPath: from) else {
            throw CensusFailure(message: "--from \(from): no store there")
        }
        guard source.path != destination.path else { throw CensusFailure(message: "--from and --to name the same store") }
        do {
            let reading = try CommitCensus(location: source, configuration: configuration)
            let writing = try CommitCensus(location: destination, configuration: configuration)
            let quiet = quiet
            let summary = try reading.copy(to: writing) { path, added in
                if !quiet { Terminal.notice("\(path): \(added) commits copied") }
            }
            if !quiet {
                Terminal.notice("\(summary.repositories) repositories, \(summary.commitsCopied) of \(summary.commitsRead) commits copied "
                                + "from \(source.shown) to \(destination.shown)")
            }
        } catch {
            throw CensusFailure(message: String(describing: error))
        }
    }
}
