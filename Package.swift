// swift-tools-version: 6.1
import Foundation
import PackageDescription

// Modules follow the data's path: git history → attribution → store → reports,
// orchestrated by CensusKit, which both executables share.
let package = Package(
    name: "CommitCensus",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "census", targets: ["census"]),
        .executable(name: "censusd", targets: ["censusd"]),
        .library(name: "CensusKit", targets: ["CensusKit"]),
        .library(name: "GitHistory", targets: ["GitHistory"]),
        .library(name: "Attribution", targets: ["Attribution"]),
        .library(name: "CensusStore", targets: ["CensusStore"]),
        .library(name: "Reports", targets: ["Reports"]),
        .plugin(name: "CensusPlugin", targets: ["CensusPlugin"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Hummingbird's own foundations, named because censusd's connection
        // guard is a NIO channel handler over HTTP parts.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // The fleet's store: PostgreSQL through its NIO client.
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // Commits are inflated straight from pack files (see PackedObjects):
        // libdeflate inflates a whole buffer about twice as fast as zlib.
        .systemLibrary(
            name: "CDeflate",
            pkgConfig: "libdeflate",
            providers: [.apt(["libdeflate-dev"])]
        ),
        // libgit2's CA-bundle loaders replaced: census opens no network
        // connection through libgit2 (see local_only.c).
        .target(name: "CGitLocalOnly"),
        .target(
            name: "GitHistory",
            dependencies: ["CLibGit2", "CDeflate", "CGitLocalOnly"]
        ),
        // One call GRDBSQLite cannot make from Swift (sqlite3_config is variadic).
        .systemLibrary(
            name: "CSQLiteOptions",
            path: "Sources/CSQLiteOptions"
        ),
        // The catalogue is data (Catalogue/signatures.json), compiled into the
        // module at build time so that no file has to travel with a binary.
        .target(
            name: "Attribution",
            exclude: ["Catalogue/signatures.json"],
            plugins: ["EmbedData"]
        ),
        .plugin(name: "EmbedData", capability: .buildTool()),
        .target(
            name: "CensusStore",
            dependencies: [
                "Attribution",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The scan's bulk insert binds values straight to SQLite.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                "CSQLiteOptions",
            ]
        ),
        // The second backend behind the store seam: PostgreSQL for a fleet of collectors.
        .target(
            name: "CensusPostgres",
            dependencies: [
                "CensusStore", "Attribution",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Reports",
            dependencies: ["Attribution", "CensusStore"]
        ),
        // Reads the AI tools' local session logs: counts, dates and commit claims, never their text.
        // Cursor's tracking database is SQLite, opened read-only through GRDB.
        .target(name: "SessionLogs", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        .target(
            name: "CensusKit",
            dependencies: [
                "GitHistory", "Attribution", "CensusStore", "CensusPostgres", "Reports", "SessionLogs",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        // Every target names what it imports (scripts/check-imports.py, run by
        // make test, fails otherwise). The front ends — census, censusd and the
        // HTTP server — import CensusKit and their frameworks, never the engine.
        .executableTarget(
            name: "census",
            dependencies: [
                "CensusKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(
            name: "CensusServer",
            dependencies: [
                "CensusKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The API's OpenAPI description, served at /api/v1/openapi.json, compiled in.
            exclude: ["OpenAPI/openapi.json"],
            plugins: ["EmbedData"]
        ),
        .executableTarget(
            name: "censusd",
            dependencies: [
                "CensusKit", "CensusServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .plugin(
            name: "CensusPlugin",
            capability: .command(
                intent: .custom(verb: "census", description: "Scan this package's git history and print the AI share of its commits"),
                permissions: []
            ),
            dependencies: ["census"]
        ),
        // The pure module's tests depend on it alone.
        .testTarget(
            name: "AttributionTests",
            dependencies: ["Attribution"],
            exclude: ["Fixtures/make-attribution-cases.py"],
            resources: [.copy("Fixtures/attribution-cases.json")]
        ),
        .testTarget(name: "SessionLogsTests", dependencies: ["SessionLogs"]),
        // The test process ignores SIGPIPE from its start (see ignore_sigpipe.c).
        .target(name: "IgnoreSIGPIPE", path: "Tests/IgnoreSIGPIPE"),
        .testTarget(
            name: "CensusTests",
            dependencies: [
                "GitHistory", "Attribution", "CensusStore", "Reports", "CensusKit", "CensusServer", "IgnoreSIGPIPE",
                // The PostgreSQL store's writes, tested where no scan makes them happen on cue (a conflict).
                "CensusPostgres",
                // Store tests open the SQLite file as any program would.
                .product(name: "GRDB", package: "GRDB.swift"),
                // Routes are tested in process; a few DaemonTests prove the real binary.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// Benchmarks of the hot functions (package-benchmark), only when asked for, so
// that the ordinary build and the tests do not compile the benchmark tooling:
//   CENSUS_BENCHMARKS=1 swift package --scratch-path .build-bench benchmark
if ProcessInfo.processInfo.environment["CENSUS_BENCHMARKS"] == "1" {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]))
    package.targets.append(.executableTarget(
        name: "CensusBenchmarks",
        dependencies: [
            .product(name: "Benchmark", package: "benchmark"),
            "Attribution", "CensusStore", "Reports",
        ],
        path: "Benchmarks/CensusBenchmarks",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ))
}
