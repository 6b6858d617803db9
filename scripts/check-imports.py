#!/usr/bin/env python3
"""Fails when a target imports a module it does not declare in Package.swift.

SwiftPM lets a target see every module its dependencies depend on, so a
target can import what it never declared and still build; its
`--explicit-target-dependency-import-check` accepts such transitive imports
too. This check reads the manifest (`swift package dump-package`) and every
import line of every target's Swift files, and names each import that the
target does not declare, directly, as a target or a product. The front ends
(census, censusd, CensusServer) may neither import nor declare an engine
module: they call CensusKit.

Usage: scripts/check-imports.py [PACKAGE_DIR]   (exit 0 when every import is declared)
       scripts/check-imports.py --self-test     (the check fails on a package built to fail it)
"""
import json
import os
import re
import subprocess
import sys
import tempfile

# Modules of the toolchain and the system, which no manifest declares.
SYSTEM = {
    "Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Dispatch", "Glibc", "Musl",
    "Darwin", "Synchronization", "_Concurrency", "Observation", "Testing", "XCTest", "PackageDescription",
    "PackagePlugin", "os", "CoreFoundation", "RegexBuilder",
}
# The front ends reach the engine through CensusKit only (docs/architecture.md):
# neither an import nor a declared dependency of theirs may name an engine module.
FRONT_ENDS = {"census", "censusd", "CensusServer"}
ENGINE = {"GitHistory", "Attribution", "CensusStore", "Reports", "GRDB", "GRDBSQLite", "CLibGit2", "CDeflate",
          "CSQLiteOptions", "PostgresNIO", "CensusPostgres", "CGitLocalOnly"}
IMPORT = re.compile(
    r"^\s*(?:@[\w(:, )]+\s+)*(?:(?:public|package|internal|fileprivate|private)\s+)?import\s+"
    r"(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?([A-Za-z_][A-Za-z0-9_]*)")


def manifest(package):
    # A scratch folder of its own: the check runs while a build holds .build.
    with tempfile.TemporaryDirectory() as scratch:
        output = subprocess.run(["swift", "package", "--package-path", package, "--scratch-path", scratch, "dump-package"],
                                check=True, capture_output=True, text=True).stdout
    return json.loads(output)


def declared(target):
    names = set()
    for dependency in target["dependencies"]:
        kind, value = next(iter(dependency.items()))
        names.add(value[0])
    return names


def folder(package, target):
    if target.get("path"):
        return os.path.join(package, target["path"])
    base = {"test": "Tests", "plugin": "Plugins"}.get(target["type"], "Sources")
    return os.path.join(package, base, target["name"])


def undeclared(package):
    problems = []
    checked = 0
    for target in manifest(package)["targets"]:
        if target["type"] in ("system", "binary"):
            continue
        allowed = declared(target) | SYSTEM | {target["name"]}
        if target["name"] in FRONT_ENDS:
            for module in sorted(declared(target) & ENGINE):
                problems.append(f"Package.swift: front end {target['name']} depends on engine module {module}; "
                                f"it reaches the engine through CensusKit")
            allowed -= ENGINE
        for root, _, files in os.walk(folder(package, target)):
            for name in sorted(files):
                if not name.endswith(".swift"):
                    continue
                path = os.path.join(root, name)
                with open(path, encoding="utf-8") as source:
                    in_string = False  # inside a multi-line string literal, `import` is text
                    for number, line in enumerate(source, 1):
                        if line.count('"""') % 2 == 1:
                            in_string = not in_string
                            continue
                        match = None if in_string else IMPORT.match(line)
                        if not match:
                            continue
                        checked += 1
                        module = match.group(1)
                        if module in ENGINE and target["name"] in FRONT_ENDS:
                            problems.append(f"{os.path.relpath(path, package)}:{number}: imports engine module {module}; "
                                            f"front end {target['name']} reaches the engine through CensusKit")
                        elif module not in allowed:
                            problems.append(f"{os.path.relpath(path, package)}:{number}: imports {module}, "
                                            f"which target {target['name']} does not declare in Package.swift")
    return problems, checked


SELF_TEST_MANIFEST = """// swift-tools-version: 6.0
import PackageDescription
let package = Package(name: "ImportCheck", targets: [
    .target(name: "Engine"),
    .target(name: "Kit", dependencies: ["Engine"]),
    .executableTarget(name: "front", dependencies: [%s]),
])
"""


def self_test():
    """A front end that imports the engine through the kit, undeclared, must fail; declared, pass."""
    with tempfile.TemporaryDirectory() as package:
        for target, text in [("Engine", "public let x = 1\n"), ("Kit", "import Engine\n"),
                             ("front", "import Kit\n@_implementationOnly import Engine\n")]:
            os.makedirs(os.path.join(package, "Sources", target))
            with open(os.path.join(package, "Sources", target, "main.swift" if target == "front" else "a.swift"), "w") as f:
                f.write(text)
        results = []
        for dependencies in ['"Kit"', '"Kit", "Engine"']:
            with open(os.path.join(package, "Package.swift"), "w") as f:
                f.write(SELF_TEST_MANIFEST % dependencies)
            results.append(undeclared(package)[0])
    if len(results[0]) == 1 and "imports Engine, which target front does not declare" in results[0][0] and not results[1]:
        print("check-imports: self-test passed (an undeclared import fails the check, a declared one passes)")
        return 0
    print(f"check-imports: self-test FAILED: {results}")
    return 1


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    package = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
    problems, checked = undeclared(package)
    for problem in problems:
        print(problem)
    print(f"check-imports: {checked} imports read, {len(problems)} undeclared")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
