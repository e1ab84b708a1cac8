#!/usr/bin/env python3
"""No file over 450 lines, no function over 80 (STYLE.md: one job per file).

Checks every .cpp and .hpp under src/, include/ and tests/. A function is
found by a brace-matching heuristic over the code with comments, string and
character literals (raw strings too) and preprocessor lines blanked out: a
'{' at namespace or class level whose preceding text looks like a signature
(ends with ')', maybe followed by const/noexcept/override/-> type, or a
constructor's initializer list). TEST_CASE(...) { ... } is such a body too.
Lambdas and SECTIONs inside a function count as part of it. A function's
length is counted from the line of its '{' to the line of its '}'; it is
reported at the line where its signature starts.

Exit 1 with one line per problem (long files first, then long functions, each
longest first), then a summary line. Exit 2 when the heuristic fails its own
small cases (SELF_TESTS below): a bug in this script, not in the code checked.

    python3 tests/size_check.py [PROJECT_ROOT]
"""
import argparse
import bisect
import os
import re
import sys

MAX_FILE_LINES = 450
MAX_FUNCTION_LINES = 80
TOP_FOLDERS = ("src", "include", "tests")
EXTENSIONS = (".cpp", ".hpp")

IDENTIFIER_BEFORE = re.compile(r"[A-Za-z0-9_.]*$")
RAW_PREFIXES = {"R", "u8R", "uR", "UR", "LR"}
RAW_DELIMITER = re.compile(r'([^()\\\s"]{0,16})\(')

QUALIFIERS = r"(?:const|volatile|noexcept|override|final|mutable|constexpr|try|&&|&|noexcept\s*\([^()]*\))"
# ") const noexcept override" or ") -> std::vector<int>" at the end of a head.
FUNCTION_HEAD = re.compile(r"\)\s*(?:" + QUALIFIERS + r"\s*)*(?:->\s*[^;{}]+)?$")
# "Foo(int x) : a_(x), b_{}" (the {} of a member initializer is already folded in).
CONSTRUCTOR_HEAD = re.compile(r"\)\s*(?:noexcept\s*)?(?<!:):(?!:).*[)}]$", re.S)
# "auto f = [&](int x) mutable -> int" at namespace or class level.
LAMBDA_HEAD = re.compile(r"=.*\[[^\[\]]*\]\s*(?:\([^()]*\))?\s*(?:(?:mutable|constexpr|noexcept)\s*)*(?:->\s*[^;{}=]+)?$",
                         re.S)
NAMESPACE_HEAD = re.compile(r'^(?:inline\s+)?namespace\b|^extern\s*"')
CLASS_HEAD = re.compile(r"\b(?:class|struct|union|enum)\b")
ACCESS_LABELS = re.compile(r"^\s*(?:(?:public|private|protected)\s*:(?!:)\s*)*")
CALLED_NAME = re.compile(r"(operator\s*(?:\(\)|[^\s(]+)|[~A-Za-z_][\w:~]*)\s*\(")
STRING_LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def strip_code(text):
    """`text` with comments, literal contents and preprocessor lines turned
    into spaces. Every other character, and every newline, stays where it was,
    so positions and line numbers are those of the original."""
    out = list(text)
    n = len(text)

    def blank(start, end):
        for k in range(start, min(end, n)):
            if out[k] != "\n":
                out[k] = " "

    def end_of_line(start):
        """Index of the newline ending the logical line at `start` (backslash continuations joined)."""
        j = start
        while True:
            j = text.find("\n", j)
            if j < 0:
                return n
            if text[j - 1:j] == "\\" or text[j - 2:j] == "\\\r":
                j += 1
                continue
            return j

    def quoted_end(start, quote):
        """Index just past the closing quote of a literal opened at `start`."""
        j = start + 1
        while j < n and text[j] != quote and text[j] != "\n":
            j += 2 if text[j] == "\\" else 1
        return min(j + 1, n) if j < n and text[j] == quote else j

    i = 0
    line_start = True  # only white space so far on this line
    while i < n:
        c = text[i]
        if c == "\n":
            line_start = True
            i += 1
        elif c in " \t\r\f\v":
            i += 1
        elif line_start and c == "#":
            j = end_of_line(i)
            blank(i, j)
            i = j
        elif text.startswith("//", i):
            j = end_of_line(i)
            blank(i, j)
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            blank(i, j)
            i = j
        elif c == '"':
            line_start = False
            prefix = IDENTIFIER_BEFORE.search(text, max(0, i - 8), i).group(0)
            delimiter = RAW_DELIMITER.match(text, i + 1) if prefix in RAW_PREFIXES else None
            if delimiter:
                closing = ")" + delimiter.group(1) + '"'
                j = text.find(closing, delimiter.end())
                j = n if j < 0 else j + len(closing)
            else:
                j = quoted_end(i, '"')
            blank(i + 1, j - 1)
            i = max(j, i + 1)
        elif c == "'":
            line_start = False
            token = IDENTIFIER_BEFORE.search(text, max(0, i - 64), i).group(0)
            if token[:1].isdigit():  # 1'000'000: a digit separator
                i += 1
                continue
            j = quoted_end(i, "'")
            blank(i + 1, j - 1)
            i = max(j, i + 1)
        else:
            line_start = False
            i += 1
    return "".join(out)


def head_kind(head):
    """What a '{' at namespace or class level opens, from the text before it."""
    head = ACCESS_LABELS.sub("", " ".join(head.split()))
    if NAMESPACE_HEAD.search(head):
        return "namespace"
    if FUNCTION_HEAD.search(head) or CONSTRUCTOR_HEAD.search(head) or LAMBDA_HEAD.search(head):
        return "function"
    if CLASS_HEAD.search(head):
        return "class"
    return "other"  # an initializer: int x{0}, cases[] = {...}, f(x = {})


def function_name(code_head, original_head):
    """A readable name: "Comm::gather", or TEST_CASE "its name"."""
    name = None
    for match in CALLED_NAME.finditer(code_head):
        before = code_head[:match.start()]
        # Not inside template arguments: std::function<void(int)> f(...) is "f".
        if before.count("<") <= before.count(">") - before.count("->"):
            name = match.group(1)
            break
    if name is None:
        name = "lambda" if "[" in code_head else "?"
    title = STRING_LITERAL.search(original_head)
    if title and name.isupper():  # a macro with a name: TEST_CASE("...")
        name += " " + title.group(0)
    return name


def find_functions(text):
    """(line of the signature, body lines, name) of every function in `text`."""
    code = strip_code(text)
    line_starts = [0] + [k + 1 for k, c in enumerate(code) if c == "\n"]

    def line_of(position):
        return bisect.bisect_right(line_starts, position)

    functions = []
    # Each open brace: (kind, position of the '{', start of its head).
    stack = []
    head_start = 0  # start of the current head at namespace/class level
    for position, c in enumerate(code):
        inside = stack[-1][0] if stack else "namespace"
        if inside in ("function", "other"):
            if c == "{":
                stack.append(("nested", position, 0))
            elif c == "}":
                kind, opened, started = stack.pop()
                if kind == "function":
                    head = code[started:opened]
                    lead = ACCESS_LABELS.match(head).end()
                    name = function_name(head, text[started:opened])
                    functions.append((line_of(started + lead), line_of(position) - line_of(opened) + 1, name))
                    head_start = position + 1
                # The '}' of an initializer (b_{x}) belongs to the head that goes on.
            continue
        if inside == "nested":
            if c == "{":
                stack.append(("nested", position, 0))
            elif c == "}":
                stack.pop()
            continue
        # At namespace or class level.
        if c == ";":
            head_start = position + 1
        elif c == "{":
            kind = head_kind(code[head_start:position])
            stack.append((kind, position, head_start))
            if kind != "other":
                head_start = position + 1
        elif c == "}":
            if stack:
                stack.pop()
            # An unbalanced '}' (e.g. from #if branches) only resets the head.
            head_start = position + 1
    return functions


def source_files(root):
    for top in TOP_FOLDERS:
        for directory, folders, names in os.walk(os.path.join(root, top)):
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            for name in sorted(names):
                if name.endswith(EXTENSIONS):
                    yield os.path.join(directory, name)


def count_lines(text):
    return text.count("\n") + (1 if text and not text.endswith("\n") else 0)


def check(root, max_file_lines, max_function_lines):
    """(problems as (size, kind, line of text), number of files checked);
    kind is "file", "function" or "error"."""
    problems = []
    checked = 0
    for path in source_files(root):
        checked += 1
        shown = os.path.relpath(path, root)
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
        except OSError as error:
            problems.append((0, "error", f"{shown}: cannot read: {error}"))
            continue
        lines = count_lines(text)
        if lines > max_file_lines:
            problems.append((lines, "file", f"{shown}: {lines} lines (max {max_file_lines})"))
        try:
            functions = find_functions(text)
        except Exception as error:  # a bug here must not hide the other files
            problems.append((0, "error", f"{shown}: size_check could not read the functions: {error!r}"))
            continue
        for line, length, name in functions:
            if length > max_function_lines:
                problems.append((length, "function",
                                 f"{shown}:{line}: {name} is {length} lines (max {max_function_lines})"))
    # Files first, then functions, each longest first: the top offenders lead.
    order = {"error": 0, "file": 1, "function": 2}
    problems.sort(key=lambda problem: (order[problem[1]], -problem[0]))
    return problems, checked


SELF_TESTS = [
    # (code, expected [(line, length, name)])
    ("namespace a {\nint f(int x) {\n  return x;\n}\n}  // namespace a\n", [(2, 3, "f")]),
    ("struct S {\n  int size() const noexcept { return 1; }\n  int x{0};\n};\n", [(2, 1, "size")]),
    ("Foo::Foo(int x)\n    : a_(x), b_{x} {\n  g();\n}\n", [(1, 3, "Foo::Foo")]),
    ("auto f(int x) -> std::vector<int> {\n  return {};\n}\n", [(1, 3, "f")]),
    ('TEST_CASE("a {", "[t]") {\n  SECTION("}") { auto l = [] { return \'}\'; }; }\n}\n',
     [(1, 3, 'TEST_CASE "a {"')]),
    ('const char* s = R"x(\n{ )" }\n)x";\nint g() {\n  return 1\'000;\n}\n', [(4, 3, "g")]),
    ("/* int h() {\n*/\n#define M(x) { x }\nconst int cases[] = {\n  {1}, {2},\n};\nvoid v(std::vector<int> d = {}) {\n}\n",
     [(7, 2, "v")]),
    ("std::function<void(int)> make(int n) {\n}\n", [(1, 2, "make")]),
    ("const auto f = [](int x) {\n  return x;\n};\nauto g = [&] mutable {\n};\n", [(1, 3, "lambda"), (4, 2, "lambda")]),
    ("enum class K : int { a, b };\nclass C : public B {\n public:\n  void m() override {\n  }\n};\n",
     [(4, 2, "m")]),
]


def self_test():
    """The heuristic on small cases; a failure here is a bug in this script."""
    failures = []
    for code, expected in SELF_TESTS:
        found = find_functions(code)
        if found != expected:
            failures.append(f"size_check.py self-test: {code!r}: found {found}, expected {expected}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", nargs="?", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--max-file-lines", type=int, default=MAX_FILE_LINES)
    parser.add_argument("--max-function-lines", type=int, default=MAX_FUNCTION_LINES)
    args = parser.parse_args()

    failures = self_test()
    if failures:
        print("\n".join(failures))
        return 2
    problems, checked = check(args.root, args.max_file_lines, args.max_function_lines)
    for _, _, line in problems:
        print(line)
    counts = {kind: sum(1 for _, k, _ in problems if k == kind) for kind in ("file", "function", "error")}
    summary = (f"size_check: {checked} files checked: {counts['file']} over {args.max_file_lines} lines, "
               f"{counts['function']} functions over {args.max_function_lines} lines")
    if counts["error"]:
        summary += f", {counts['error']} files not checked"
    print(summary)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
