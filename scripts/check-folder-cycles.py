#!/usr/bin/env python3
"""Fails when the folders of Sources/NewsletterKit depend on each other in a cycle.

A folder depends on another when one of its files names a type declared at the top level of a file
in the other folder (comments excluded). Folders are the pipeline's stages (ARCHITECTURE.md); a
cycle between them means a stage cannot be understood, tested or moved on its own.

Usage: scripts/check-folder-cycles.py [--graph] [ROOT]   (ROOT defaults to Sources/NewsletterKit)
Exit status: 0 without cycles, 1 with (each cycle is printed with the names and files that make it).
"""
import collections
import os
import re
import sys

DECLARATION = re.compile(
    r"^(?:@\w+(?:\([^)]*\))?\s+)*(?:public |internal |fileprivate |private |package )?"
    r"(?:final |indirect )?(?:struct|class|enum|protocol|actor|typealias)\s+([A-Z]\w*)",
    re.M,
)


def main():
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    root = arguments[0] if arguments else os.path.join(os.path.dirname(__file__), "..", "Sources", "NewsletterKit")
    owner, files = {}, []
    for folder in sorted(os.listdir(root)):
        path = os.path.join(root, folder)
        if not os.path.isdir(path):
            continue
        for directory, _, names in os.walk(path):
            for name in sorted(names):
                if name.endswith(".swift"):
                    file = os.path.join(directory, name)
                    text = open(file, encoding="utf-8").read()
                    files.append((folder, os.path.relpath(file, root), text))
                    for match in DECLARATION.finditer(text):
                        owner.setdefault(match.group(1), folder)
    uses = collections.defaultdict(lambda: collections.defaultdict(set))
    for folder, file, text in files:
        code = re.sub(r"//.*", "", text)
        for word in set(re.findall(r"\b[A-Z]\w*\b", code)):
            other = owner.get(word)
            if other and other != folder:
                uses[folder][other].add((word, file))
    if "--graph" in sys.argv:
        for folder in sorted(uses):
            print(f"{folder} -> {', '.join(sorted(uses[folder]))}")
    # Tarjan's strongly connected components: any component with more than one folder is a cycle.
    index, low, stack, on_stack, components, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for successor in uses[node]:
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            components.append(component)

    for folder in sorted({f for f, _, _ in files}):
        if folder not in index:
            visit(folder)
    cycles = [sorted(c) for c in components if len(c) > 1]
    for cycle in cycles:
        print(f"folder cycle: {' ↔ '.join(cycle)}")
        for a in cycle:
            for b in cycle:
                if b in uses[a]:
                    names = sorted({w for w, _ in uses[a][b]})
                    where = sorted({f for _, f in uses[a][b]})
                    print(f"  {a} -> {b}: {', '.join(names[:8])} (in {', '.join(where[:4])})")
    if not cycles:
        print(f"no folder cycles among {len({f for f, _, _ in files})} folders of {root}")
    return 1 if cycles else 0


if __name__ == "__main__":
    sys.exit(main())
