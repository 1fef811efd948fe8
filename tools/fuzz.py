#!/usr/bin/env python3
"""Mutation fuzzer for the Asy interpreter (not part of the test suite).

Takes the scripts under tests/ as a corpus, mutates them (line edits, random tokens,
brackets, quotes, indentation, unicode and NUL bytes, truncation, splicing two files) and
adds generated stress programs (deep nesting, huge literals, runaway recursion through
dunder methods, deeply nested data, huge repetitions, 64-bit edge arithmetic). Each
program runs under an ASan+UBSan build of `asy` with a timeout. Flagged:

  * any sanitizer report (AddressSanitizer, LeakSanitizer, UBSan "runtime error:");
  * death by a signal, or an exit status other than 0/1/2 that CPython does not share
    (scripts may call sys.exit(n) on purpose);
  * a timeout, unless CPython 3.13 also fails to finish the same program (its own
    infinite loop).

Findings are written to --out (default /tmp/asy-fuzz) as NNNN-<reason>.asy with a .log
beside each. Usage:

  cmake -S . -B /tmp/build-asan -DCMAKE_BUILD_TYPE=Debug -DASY_SANITIZE=ON
  cmake --build /tmp/build-asan -j2
  python3 tools/fuzz.py --asy /tmp/build-asan/asy --iterations 2000 --jobs 2

--gc-stress P runs a fraction P of the programs with ASY_GC_STRESS=1 (finds rooting
bugs; slow). --generated-only runs just the fixed stress programs once.
"""

import argparse
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

SAN_RE = re.compile(rb"(AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|runtime error:)")

TOKENS = [
    "(", ")", "[", "]", "{", "}", "'", '"', "'''", '"""', ":", ",", ".", ";", "\\", "\\\n",
    "*", "**", "=", "==", ":=", "->", "@", "+", "-", "/", "//", "%", "~", "<<", ">>", "|",
    "&", "^", "not", "and", "or", "in", "is", "lambda", "lambda:", "if", "else", "elif",
    "for", "while", "def", "class", "return", "yield", "await", "async", "with", "try:",
    "except", "except*", "finally:", "raise", "from", "import", "global", "nonlocal", "del",
    "pass", "break", "continue", "assert", "None", "True", "False", "self", "super()", "x",
    "f'{", "f'{x!r:>{w}}'", "f\"{'a'}\"", "b'\\xff'", "r'\\'", "'\\N{DASH}'", "'\\u12'",
    "0x", "0b2", "1_", "1__0", "1e", "1e400", "-1e400", "0o9", "09", "1.2.3", "9" * 40,
    "0x" + "f" * 100, "9223372036854775807", "-9223372036854775808", "2**63", "2**64",
    "\t", "    ", "  ", "\n", "\r", "\r\n", "\f", "\x00", "\x0b", "\ufeff", "é", "ä", "€",
    "𝔘", "\u200b", "\ud7ff", "\U0010ffff", "#", "# coding: latin-1\n", "...", "__class__",
    "__dict__", "print", "len", "repr", "hash", "iter", "next", "sorted", "*args", "**kw",
]

# Programs that stress limits directly; each must not crash, hang or leak.
GENERATED = {
    "paren_5000": "x = " + "(" * 5000 + "1" + ")" * 5000 + "\nprint(x)\n",
    "open_bracket_100k": "[" * 100000 + "\n",
    "close_bracket": "]" * 1000 + "\n",
    "mixed_open": "([{" * 30000 + "\n",
    "if_nest_500": "".join(" " * i + "if x:\n" for i in range(500)) + " " * 500 + "pass\n",
    "def_nest_300": "".join(" " * i + "def f():\n" for i in range(300)) + " " * 300 + "pass\n",
    "lambda_nest": "f = " + "lambda: " * 5000 + "1\n",
    "not_chain": "x = " + "not " * 100000 + "1\n",
    "minus_chain": "x = " + "-" * 100000 + "1\nprint(x)\n",
    "attr_chain": "x = 1" + ".real" * 100000 + "\n",
    "call_chain": "def f(): return f\nx = f" + "()" * 100000 + "\n",
    "subscript_chain": "x = [0]\nx = x" + "[0]" * 50000 + "\n",
    "long_add": "x = " + "+".join(["1"] * 100000) + "\nprint(x)\n",
    "long_and": "x = " + " and ".join(["1"] * 50000) + "\n",
    "long_compare": "x = " + " < ".join(["1"] * 50000) + "\n",
    "long_line": "x = '" + "a" * 1000000 + "'\nprint(len(x))\n",
    "many_args": "def f(*a): return len(a)\nprint(f(" + ",".join(["1"] * 100000) + "))\n",
    "many_params": "def f(" + ",".join("a%d" % i for i in range(5000)) + "): pass\n",
    "big_list_literal": "x = [" + ",".join(["1"] * 300000) + "]\nprint(len(x))\n",
    "big_dict_literal": "x = {" + ",".join("%d: %d" % (i, i) for i in range(100000)) + "}\n",
    "fstring_nest": "x = 1\nprint(f'{f\"{x!r:>{x}}\"}')\n" + "y = f'" + "{x}" * 10000 + "'\n",
    "huge_int": "print(" + "9" * 100 + ")\n",
    "huge_hex": "print(0x" + "f" * 100 + ")\n",
    "huge_float": "print(1e400, -1e400, 1e-400, 1" + "0" * 400 + ".0)\n",
    "huge_str_mul": "try:\n    x = 'a' * 10**12\nexcept (MemoryError, OverflowError) as e:\n"
                    "    print(type(e).__name__)\n",
    "huge_list_mul": "try:\n    x = [1, 2] * (2**62)\nexcept (MemoryError, OverflowError) as e:\n"
                     "    print(type(e).__name__)\n",
    "recursion": "def f(): f()\nf()\n",
    "recursion_caught": "def f(): f()\ntry:\n    f()\nexcept RecursionError as e:\n    print(e)\n",
    "mutual_recursion": "def f(): g()\ndef g(): f()\nf()\n",
    "repr_recursion": "class A:\n    def __repr__(self): return repr(self)\nprint(A())\n",
    "str_recursion": "class A:\n    def __str__(self): return str(self)\nprint(A())\n",
    "eq_recursion": "class A:\n    def __eq__(self, o): return self == o\nprint(A() == A())\n",
    "lt_recursion": "class A:\n    def __lt__(self, o): return self < o\nprint(sorted([A(), A()]))\n",
    "hash_recursion": "class A:\n    def __hash__(self): return hash(self)\nprint({A()})\n",
    "len_recursion": "class A:\n    def __len__(self): return len(self)\nprint(len(A()))\n",
    "bool_recursion": "class A:\n    def __bool__(self): return bool(self)\nprint(not A())\n",
    "iter_recursion": "class A:\n    def __iter__(self): return iter(self)\nprint(list(A()))\n",
    "getattr_recursion": "class A:\n    def __getattr__(self, n): return self.x\nprint(A().y)\n",
    "init_recursion": "class A:\n    def __init__(self): A()\nA()\n",
    "call_recursion": "class A:\n    def __call__(self): self()\nA()()\n",
    "getitem_recursion": "class A:\n    def __getitem__(self, i): return self[i]\nA()[0]\n",
    "contains_recursion": "class A:\n    def __contains__(self, i): return i in self\nprint(1 in A())\n",
    "format_recursion": "class A:\n    def __format__(self, s): return f'{self}'\nprint(f'{A()}')\n",
    "sort_key_recursion": "def k(x): return sorted([1, 2], key=k)\nsorted([1, 2], key=k)\n",
    "exit_in_repr": "import sys\nclass A:\n    def __repr__(self): sys.exit(3)\nprint([A()])\n",
    "context_chain_uncaught": "e = None\nfor i in range(100000):\n    n = ValueError(i)\n"
                              "    n.__context__ = e\n    e = n\nraise e\n",
    "group_nest_uncaught": "e = ValueError(1)\nfor i in range(100000):\n"
                           "    e = ExceptionGroup('g', [e])\nraise e\n",
    "context_cycle": "a = ValueError('a')\nb = TypeError('b')\na.__context__ = b\n"
                     "b.__context__ = a\nraise a\n",
    "mutating_eq_dict": "d = {}\nclass H:\n    def __hash__(self): return 1\n"
                        "    def __eq__(self, o):\n        d.clear()\n"
                        "        for i in range(100): d[i] = i\n        return False\n"
                        "for i in range(10): d[H()] = i\nprint(len(d))\n",
    "mutating_eq_set": "s = set()\nclass H:\n    def __hash__(self): return 1\n"
                       "    def __eq__(self, o):\n        s.clear()\n"
                       "        for i in range(100): s.add(i)\n        return False\n"
                       "for i in range(10): s.add(H())\nprint(len(s))\n",
    "recursion_limit_huge": "import sys\nsys.setrecursionlimit(10**9)\ndef f(n): return f(n + 1)\n"
                            "try:\n    f(0)\nexcept (RecursionError, MemoryError) as e:\n"
                            "    print(type(e).__name__)\n",
    "isinstance_nest": "t = int\nfor i in range(100000): t = (t,)\ntry:\n"
                       "    isinstance(1, t)\nexcept RecursionError as e:\n    print(e)\n",
    "repeat_wrap": "for s in [(1, 2, 3, 4), b'abcd', 'abcd', [1, 2, 3, 4]]:\n    try:\n"
                   "        s * 2**62\n    except (MemoryError, OverflowError) as e:\n"
                   "        print(type(e).__name__)\n",
    "huge_range_list": "for f in [lambda: list(range(10**18)), lambda: [*range(10**15)],\n"
                       "          lambda: sorted(range(10**15)), lambda: [0] * 10**13]:\n"
                       "    try:\n        f()\n    except MemoryError:\n        print('ME')\n",
    "json_deep": "import json\ntry:\n    json.loads('[' * 100000 + ']' * 100000)\n"
                 "except RecursionError as e:\n    print(e)\nx = []\n"
                 "for i in range(100000): x = [x]\ntry:\n    json.dumps(x)\n"
                 "except RecursionError as e:\n    print(e)\n",
    "deep_inheritance": "c = object\nfor i in range(20000):\n    c = type('C', (c,), {})\n"
                        "print(isinstance(c(), object), len(c.__mro__))\n",
    "exc_in_del_path": "class A:\n    def __eq__(self, o): raise ValueError('x')\nprint([A()] == [A()])\n",
}


def nested_data(kind, op, depth=100000):
    """x and y: equal containers of `kind` nested `depth` deep; then `op` on them."""
    build = {"list": "[V]", "tuple": "(V,)", "dict": "{1: V}", "set": "frozenset([V])",
             "mixed": "[(V, {1: 2})]"}[kind]
    init = {"set": "frozenset()", "tuple": "()"}.get(kind, "[]")
    return ("x = %s\ny = %s\nfor i in range(%d):\n    x = %s\n    y = %s\n"
            "try:\n    r = %s\n    print(type(r).__name__)\nexcept RecursionError as e:\n"
            "    print('RecursionError')\n" % (init, init, depth, build.replace("V", "x"),
                                               build.replace("V", "y"), op))


for _kind in ("list", "tuple", "dict", "set", "mixed"):
    for _op in ("repr(x)", "str(x)", "x == y", "x < y", "hash(x)", "x in [y]", "[x].count(y)",
                "f'{x}'", "sorted([x, y])", "print(x)", "len(str([x]))"):
        GENERATED["nested_%s_%s" % (_kind, re.sub(r"\W", "_", _op))] = nested_data(_kind, _op)

_EDGE_EXPRS = [
    "M // -1", "abs(M)", "-M", "M * -1", "M % -1", "divmod(M, -1)", "M - 1", "X + 1",
    "X << 1", "1 << 63", "M >> 64", "X >> 1000", "pow(2, 63)", "2 ** 64", "(-2) ** 63",
    "int('9' * 30)", "int('-9223372036854775809')", "pow(3, M, 7)", "pow(M, M, 7)",
    "pow(3, -1, M)", "round(M, -19)", "round(X, -1)", "range(M, X).index(0)",
    "len(range(M, X))", "range(M, X, 3)[-1]", "list(enumerate('abc', X - 1))",
    "sum([X, 1])", "'a' * X", "[0] * X", "'%*d' % (X, 1)", "'a'.center(X)", "chr(X)",
    "hash(M)", "float(X)", "int(float(X))", "round(9.3e18)", "int(1e300)", "X * X",
    "[1, 2, 3][M:X:M]", "'abc'[X:M:M]", "list(range(X - 2, X))", "list(range(M + 2, M, -1))",
    "f'{M:,}'", "'%x' % M", "hex(M)", "bin(M)", "M.bit_length()", "10 ** 19", "3 ** 40",
    "'{:99999999999}'.format(1)", "'{:.2147483648f}'.format(1.0)", "'%.2147483648f' % 1.0",
    "int('0x' + 'f' * 100, 16)", "float('1e400')", "max([], default=M)", "sum([], M)",
]
GENERATED["int_edges"] = "M = -9223372036854775807 - 1\nX = 9223372036854775807\n" + "".join(
    "try:\n    print(%r, %s)\nexcept Exception as e:\n    print(%r, type(e).__name__)\n"
    % (e, e, e) for e in _EDGE_EXPRS)


def load_corpus(tests_dir):
    corpus = []
    for root, _dirs, files in os.walk(tests_dir):
        for f in sorted(files):
            if f.endswith(".asy"):
                path = os.path.join(root, f)
                with open(path, "rb") as fh:
                    corpus.append((path, fh.read()))
    corpus.sort()
    return corpus


EDGE_INTS = ["0", "-1", "1", "2", "-2", "255", "256", "65536", "2**31", "2**32", "2**62",
             "9223372036854775807", "(-9223372036854775807-1)", "10**18", "-10**18", "True",
             "None", "1.5", "1e308", "-0.0", "float('nan')", "float('inf')", "''", "[]", "()",
             "{}", "'x'*1000"]
BINOPS = [b"+", b"-", b"*", b"/", b"//", b"%", b"**", b"<<", b">>", b"&", b"|", b"^", b"<",
          b">", b"==", b"!=", b"<=", b">=", b" in ", b" is ", b" and ", b" or "]
INT_RE = re.compile(rb"(?<![\w.])\d+(?![\w.])")
NAME_RE = re.compile(rb"(?<![\w.])[A-Za-z_]\w*")
OP_RE = re.compile(rb"(?<=[\w)\]] )(\+|-|\*|/|//|%|\*\*|<<|>>|&|\||\^|<|>|==|!=|<=|>=)(?= )")


def mutate_tokens(rng, data):
    """Token-level edits that usually keep the program valid: swap an int literal for an
    edge value, a name for another name of the file, a binary operator for another."""
    kind = rng.randrange(3)
    rx = (INT_RE, NAME_RE, OP_RE)[kind]
    ms = list(rx.finditer(data))
    if not ms:
        return data, "none"
    m = rng.choice(ms)
    if kind == 0:
        rep = rng.choice(EDGE_INTS).encode()
    elif kind == 1:
        rep = rng.choice(ms).group(0)
    else:
        rep = rng.choice(BINOPS).strip()
    return data[:m.start()] + rep + data[m.end():], ("int", "name", "op")[kind]


def mutate(rng, corpus):
    """One mutated program (bytes) and a short description of what was done."""
    path, data = rng.choice(corpus)
    done = []
    if rng.random() < 0.5:
        for _ in range(rng.randint(1, 6)):
            data, what = mutate_tokens(rng, data)
            done.append(what)
        if rng.random() < 0.7:
            return path, data, "+".join(done)
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(12)
        n = len(lines)
        i = rng.randrange(n) if n else 0
        if op == 0 and n > 1:
            del lines[i]
            done.append("del")
        elif op == 1 and n:
            lines.insert(i, lines[rng.randrange(n)])
            done.append("dup")
        elif op == 2 and n > 1:
            j = rng.randrange(n)
            lines[i], lines[j] = lines[j], lines[i]
            done.append("swap")
        elif op in (3, 4, 5) and n:
            tok = rng.choice(TOKENS).encode("utf-8", "surrogatepass")
            line = lines[i]
            k = rng.randint(0, len(line))
            lines[i] = line[:k] + tok + line[k:]
            done.append("tok")
        elif op == 6 and n:
            lines[i] = b" " * rng.choice([1, 2, 3, 4, 8]) + lines[i]
            done.append("indent")
        elif op == 7 and n:
            line = lines[i]
            if line:
                k = rng.randrange(len(line))
                lines[i] = line[:k] + line[k + 1:]
            done.append("delchar")
        elif op == 8 and n:
            line = lines[i]
            if line:
                k = rng.randrange(len(line))
                lines[i] = line[:k] + bytes([rng.randrange(256)]) + line[k + 1:]
            done.append("byte")
        elif op == 9:
            other = rng.choice(corpus)[1].split(b"\n")
            k = rng.randrange(len(other))
            lines[i:i] = other[k:k + rng.randint(1, 20)]
            done.append("splice")
        elif op == 10 and n:
            line = lines[i]
            lines[i] = line * rng.choice([2, 10, 1000])
            done.append("repeat")
        elif op == 11:
            lines = lines[:i]
            done.append("truncate")
    out = b"\n".join(lines)
    if rng.random() < 0.1:
        out = out[:rng.randint(0, len(out))]
        done.append("cut")
    return path, out, "+".join(done) or "none"


def run(cmd, cwd, stdin_data, timeout, env):
    try:
        p = subprocess.run(cmd, cwd=cwd, input=stdin_data, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=timeout, env=env)
        return p.returncode, p.stdout, p.stderr, False
    except subprocess.TimeoutExpired as e:
        return None, e.stdout or b"", e.stderr or b"", True


class Fuzzer:
    def __init__(self, args):
        self.args = args
        self.out = args.out
        os.makedirs(self.out, exist_ok=True)
        self.count = 0
        base = dict(os.environ, LC_ALL="C.UTF-8")
        base.pop("ASY_GC_STRESS", None)
        self.env = dict(base, ASAN_OPTIONS="detect_leaks=1:halt_on_error=1",
                        UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1")
        self.py_env = dict(base, PYENV_VERSION="3.13.0")

    def check(self, name, src_dir, program, stress):
        """Run one program; returns a finding reason or None."""
        with tempfile.TemporaryDirectory(prefix="asy-fuzz.") as tmp:
            # Helper modules beside the original script (imports tests) come along.
            if src_dir:
                for f in os.listdir(src_dir):
                    if f.startswith("_") and f.endswith(".asy"):
                        shutil.copy(os.path.join(src_dir, f), tmp)
            with open(os.path.join(tmp, "prog.asy"), "wb") as fh:
                fh.write(program)
            env = dict(self.env, ASY_GC_STRESS="1") if stress else self.env
            timeout = self.args.timeout * (20 if stress else 1)
            code, _out, err, timed_out = run([self.args.asy, "prog.asy"], tmp, b"", timeout, env)
            reason = None
            if SAN_RE.search(err):
                reason = "sanitizer"
            elif timed_out:
                pcode, _, _, ptimed = run([self.args.python, "prog.asy"], tmp, b"",
                                          self.args.timeout * 2, self.py_env)
                if not ptimed:
                    # ASan is slow and the machine may be busy: confirm with a long run.
                    code, _out, err, timed_out = run([self.args.asy, "prog.asy"], tmp, b"",
                                                     timeout * 6, env)
                    if timed_out:
                        reason = "timeout"
                    elif SAN_RE.search(err):
                        reason = "sanitizer"
            elif code < 0:
                reason = "signal"
            elif code not in (0, 1, 2):
                pcode, _, _, ptimed = run([self.args.python, "prog.asy"], tmp, b"",
                                          self.args.timeout * 4, self.py_env)
                if not ptimed and pcode != code:
                    reason = "exit%d" % code
            if reason:
                self.count += 1
                stem = os.path.join(self.out, "%04d-%s-%s" % (self.count, reason, name))
                with open(stem + ".asy", "wb") as fh:
                    fh.write(program)
                with open(stem + ".log", "wb") as fh:
                    fh.write(b"exit: %r stress: %r\n" % (code, stress) + err[-20000:])
            return reason


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--asy", required=True, help="ASan+UBSan build of asy")
    ap.add_argument("--python", default="python3", help="CPython 3.13 (PYENV_VERSION is set)")
    ap.add_argument("--tests", default=os.path.join(os.path.dirname(here), "tests"))
    ap.add_argument("--iterations", type=int, default=500)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--gc-stress", type=float, default=0.0)
    ap.add_argument("--out", default="/tmp/asy-fuzz")
    ap.add_argument("--generated-only", action="store_true")
    ap.add_argument("--no-generated", action="store_true")
    args = ap.parse_args()
    args.asy = os.path.abspath(args.asy)
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print("seed", seed, flush=True)
    rng = random.Random(seed)
    corpus = load_corpus(args.tests)
    fz = Fuzzer(args)

    jobs = []
    if not args.no_generated:
        jobs += [(name, None, prog.encode("utf-8", "surrogatepass"), False)
                 for name, prog in GENERATED.items()]
    if not args.generated_only:
        for _ in range(args.iterations):
            path, prog, what = mutate(rng, corpus)
            name = os.path.splitext(os.path.basename(path))[0] + "-" + what.replace("+", "_")
            # tests/limits build 100000-deep data: far too slow with a collection per allocation.
            stress = rng.random() < args.gc_stress and "/limits/" not in path
            jobs.append((name[:80], os.path.dirname(path), prog, stress))

    found = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        futs = {ex.submit(fz.check, *j): j[0] for j in jobs}
        for n, fut in enumerate(concurrent.futures.as_completed(futs), 1):
            reason = fut.result()
            if reason:
                found += 1
                print("FOUND %s %s" % (reason, futs[fut]), flush=True)
            if n % 100 == 0:
                print("%d/%d run, %d found" % (n, len(jobs), found), flush=True)
    print("done: %d programs, %d findings in %s" % (len(jobs), found, args.out))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
