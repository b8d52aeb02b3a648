#!/usr/bin/env python3
"""Counts the public declarations of the Swift sources and lists those without a `///` summary.

Usage: tools/api/public-docs.py [--summary] [--module NAME]... [ROOT]

Prints one line per undocumented public declaration, `path:line: Module: declaration`, in the
form compilers use, so editors and `grep` jump to it; then per module and in total how many public
declarations there are and how many lack a summary. Exits 1 when any lacks one, 0 otherwise.
--summary prints only the counts.

What counts as public, read from the text (no build needed):
- a declaration whose modifiers include `public` or `open`, unless it sits inside a type that is
  not public (such a member is not visible outside its module);
- the cases of a public enum and the requirements of a public protocol, which are public
  without saying so;
- the members of a `public extension` that name no narrower access.
An extension itself, `deinit`, and anything inside a function body are not declarations here.
A declaration is documented when the nearest line above it, skipping attributes (`@inlinable`,
`@available(...)`) and `#if`/`#else`/`#endif`, is a `///` line or closes a `/** */` comment.
Python 3 standard library only.
"""

import argparse
import os
import re
import sys
from collections import defaultdict

MODIFIERS = {
    "public", "open", "package", "internal", "fileprivate", "private", "static", "class", "final",
    "override", "mutating", "nonmutating", "required", "convenience", "nonisolated", "lazy", "weak",
    "unowned", "indirect", "dynamic", "optional", "consuming", "borrowing", "distributed", "isolated",
    "prefix", "postfix", "infix",
}
SETTER_ACCESS = re.compile(r"^(public|open|package|internal|fileprivate|private)\((set|safe|unsafe)\)$")
DECLS = {
    "func", "var", "let", "init", "subscript", "struct", "class", "enum", "protocol", "typealias",
    "actor", "case", "associatedtype", "extension", "deinit", "macro", "operator", "precedencegroup",
}
TYPES = {"struct", "class", "enum", "protocol", "actor", "extension"}


def code_only(text):
    """`text` with comments and string literal contents blanked (newlines kept), so braces and
    keywords are read from code alone. Interpolations inside strings stay code."""
    out = []
    i, n = 0, len(text)
    # Stack of contexts: ("code", paren depth) inside an interpolation, ("str", hashes, multiline).
    stack = [("code", 0)]

    def blank(s):
        return "".join("\n" if c == "\n" else " " for c in s)

    while i < n:
        top = stack[-1]
        c = text[i]
        if top[0] == "code":
            if text.startswith("//", i):
                j = text.find("\n", i)
                j = n if j < 0 else j
                out.append(blank(text[i:j]))
                i = j
            elif text.startswith("/*", i):
                depth, j = 1, i + 2
                while j < n and depth:
                    if text.startswith("/*", j):
                        depth, j = depth + 1, j + 2
                    elif text.startswith("*/", j):
                        depth, j = depth - 1, j + 2
                    else:
                        j += 1
                out.append(blank(text[i:j]))
                i = j
            else:
                m = re.match(r'(#*)("""|")', text[i:i + 16])
                if m and (m.group(1) == "" or text[i] == "#"):
                    hashes, quote = len(m.group(1)), m.group(2)
                    stack.append(("str", hashes, quote == '"""'))
                    out.append('"' + " " * (m.end() - 1))
                    i += m.end()
                elif top[1] > 0 or len(stack) > 1:
                    # inside an interpolation: count parentheses to find its end
                    if c == "(":
                        stack[-1] = ("code", top[1] + 1)
                    elif c == ")":
                        if top[1] == 0:
                            stack.pop()
                            out.append(" ")
                            i += 1
                            continue
                        stack[-1] = ("code", top[1] - 1)
                    out.append(c)
                    i += 1
                else:
                    out.append(c)
                    i += 1
        else:
            _, hashes, multiline = top
            close = ('"""' if multiline else '"') + "#" * hashes
            escape = "\\" + "#" * hashes
            if text.startswith(close, i):
                stack.pop()
                out.append(" " * (len(close) - 1) + '"')
                i += len(close)
            elif text.startswith(escape + "(", i):
                stack.append(("code", 0))
                out.append(" " * (len(escape) + 1))
                i += len(escape) + 1
            elif text.startswith(escape, i):
                out.append(blank(text[i:i + len(escape) + 1]))
                i += len(escape) + 1
            else:
                out.append("\n" if c == "\n" else " ")
                i += 1
    return "".join(out)


def declaration(line):
    """(modifiers, keyword) when the code line starts a declaration, else None."""
    s = line.strip()
    while s.startswith("@"):  # attributes, with balanced arguments
        m = re.match(r"@[\w.]+", s)
        if not m:
            return None
        s = s[m.end():]
        if s.startswith("("):
            depth, j = 0, 0
            for j, ch in enumerate(s):
                depth += ch == "("
                depth -= ch == ")"
                if depth == 0:
                    break
            s = s[j + 1:]
        s = s.lstrip()
    words = re.findall(r"[\w]+(?:\([\w]+\))?[?!]?|\S", s)
    modifiers = []
    for i, w in enumerate(words):
        # `class` is a modifier in `class func` / `class var`, else it declares a class.
        is_class_modifier = w == "class" and i + 1 < len(words) and words[i + 1].rstrip("?!") in DECLS
        if (w in MODIFIERS and w != "class") or is_class_modifier or SETTER_ACCESS.match(w):
            modifiers.append(w)
            continue
        keyword = w.rstrip("?!")
        if keyword in DECLS:
            return modifiers, keyword
        return None
    return None


def documented(lines, index):
    """Whether a `///` (or `/** */`) comment stands right above line `index`."""
    j = index - 1
    while j >= 0:
        s = lines[j].strip()
        if s.startswith("///") or s.endswith("*/") and "/**" in "".join(lines[max(0, j - 200):j + 1]):
            return True
        if s.startswith("@") or s.startswith("#if") or s.startswith("#else") or s.startswith("#elseif") or s.startswith("#endif"):
            j -= 1
            continue
        return False
    return False


def scan(path, module):
    """Yields (line number, is public, is documented, text) for each declaration in one file."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    code = code_only(text).split("\n")
    # One entry per open brace: the kind of scope it opened.
    #   "public-type" / "hidden-type" / "public-enum" / "public-protocol" / "public-extension" /
    #   "extension" / "body" (functions, closures, accessors, control flow)
    scopes = []
    pending = None  # the scope kind the next `{` opens, set by a type declaration
    for number, line in enumerate(code, start=1):
        decl = declaration(line)
        inside = scopes[-1] if scopes else "file"
        if decl and inside != "body":
            modifiers, keyword = decl
            access = {m for m in modifiers if m in {"public", "open", "package", "internal", "fileprivate", "private"}}
            explicit = bool(access & {"public", "open"})
            if inside == "hidden-type":
                is_public = False
            elif inside == "public-enum" and keyword == "case":
                is_public = True
            elif inside == "public-protocol":
                is_public = True
            elif inside == "public-extension":
                is_public = explicit or not access
            else:
                is_public = explicit
            if keyword == "extension":
                pending = "public-extension" if explicit else "extension"
            elif keyword in TYPES:
                if not is_public:
                    pending = "hidden-type"
                elif keyword == "enum":
                    pending = "public-enum"
                elif keyword == "protocol":
                    pending = "public-protocol"
                else:
                    pending = "public-type"
            else:
                pending = None
            if keyword not in {"extension", "deinit"}:
                yield number, is_public, documented(lines, number - 1), lines[number - 1].strip()
        for ch in line:
            if ch == "{":
                scopes.append(pending or "body")
                pending = None
            elif ch == "}":
                if scopes:
                    scopes.pop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", nargs="?", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    parser.add_argument("--summary", action="store_true", help="print only the counts")
    parser.add_argument("--module", action="append", help="only this module (repeatable)")
    args = parser.parse_args()

    root = os.path.normpath(args.root)
    sources = os.path.join(root, "Sources")
    totals = defaultdict(lambda: [0, 0])  # module -> [public, undocumented]
    missing = []
    for module in sorted(os.listdir(sources)):
        if args.module and module not in args.module:
            continue
        for folder, dirs, files in os.walk(os.path.join(sources, module)):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith(".swift"):
                    continue
                path = os.path.join(folder, name)
                for number, is_public, has_doc, text in scan(path, module):
                    if not is_public:
                        continue
                    totals[module][0] += 1
                    if not has_doc:
                        totals[module][1] += 1
                        missing.append(f"{os.path.relpath(path, root)}:{number}: {module}: {text}")

    if not args.summary:
        for line in missing:
            print(line)
        if missing:
            print()
    width = max([len(m) for m in totals] + [5])
    print(f"{'module':<{width}}  public  undocumented")
    for module, (count, undocumented) in sorted(totals.items()):
        if count:
            print(f"{module:<{width}}  {count:>6}  {undocumented:>12}")
    all_public = sum(c for c, _ in totals.values())
    print(f"{'total':<{width}}  {all_public:>6}  {len(missing):>12}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
