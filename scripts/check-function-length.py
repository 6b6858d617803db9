#!/usr/bin/env python3
"""Fails when a function, initializer or closure-bodied property in Sources is
longer than LIMIT lines without a reason written beside it.

A function should read at once. One that cannot be shorter says why on the
comment lines just above its declaration, in one starting `// Long:`.

Usage: scripts/check-function-length.py [--list]   (exit 0 when every long function has its reason)
"""
import os
import re
import sys

LIMIT = 80
DECLARATION = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|internal|private|fileprivate|package|static|"
                         r"final|override|mutating|nonisolated|convenience|required|@discardableResult)\s+)*"
                         r"(?:func\s+\S+|init[?!]?\s*[(<]|deinit\b)")


def functions(path):
    """(name, first line, length, reason given) of every function in a Swift file."""
    with open(path, encoding="utf-8") as source:
        lines = source.read().split("\n")
    found = []
    for index, line in enumerate(lines):
        if not DECLARATION.match(line):
            continue
        depth, opened, end = 0, False, None
        for number in range(index, len(lines)):
            if number > index and not opened and DECLARATION.match(lines[number]):
                break  # a requirement of a protocol: no body
            text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', lines[number].split("//")[0])
            depth += text.count("{") - text.count("}")
            opened = opened or "{" in text
            if opened and depth <= 0:
                end = number
                break
        if end is None:
            continue
        above = index - 1
        while above >= 0 and lines[above].strip().startswith("//") and "// Long:" not in lines[above]:
            above -= 1
        reason = above >= 0 and "// Long:" in lines[above]
        found.append((line.strip()[:80], index + 1, end - index + 1, reason))
    return found


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Sources")
    problems, listed = [], []
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(".swift"):
                continue
            path = os.path.join(folder, name)
            for declaration, line, length, reason in functions(path):
                where = f"{os.path.relpath(path, os.path.dirname(root))}:{line}"
                if length > LIMIT and not reason:
                    problems.append(f"{where}: {length} lines, over {LIMIT} with no '// Long:' reason: {declaration}")
                listed.append((length, where, declaration))
    if sys.argv[1:] == ["--list"]:
        for length, where, declaration in sorted(listed, reverse=True)[:20]:
            print(f"{length:5} {where} {declaration}")
    for problem in problems:
        print(problem)
    print(f"check-function-length: {len(listed)} functions, {len(problems)} over {LIMIT} lines without a reason")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
