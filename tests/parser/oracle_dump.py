"""CPython side of check_ast.sh: print ast.dump() of a file, or its SyntaxError
in ast_dump's format: ERROR <Kind> <lineno> <offset> <end_lineno> <end_offset> <msg>.
For a file (exec mode) that does not compile, the error is the one `python3 FILE`
reports (see oracle_hook/sitecustomize.py)."""
import ast
import os
import subprocess
import sys
import warnings

warnings.simplefilter("ignore")
args = sys.argv[1:]
pos = "-p" in args
mode = "exec"
if "-m" in args:
    m = args[args.index("-m") + 1]
    mode = {"file": "exec", "single": "single", "eval": "eval"}[m]
path = args[-1]
src = open(path, "rb").read()
try:
    tree = ast.parse(src, path, mode=mode)
except SyntaxError as e:
    if mode == "exec":
        hook = os.path.join(os.path.dirname(os.path.abspath(__file__)), "oracle_hook")
        env = dict(os.environ, PYTHONPATH=hook)
        r = subprocess.run([sys.executable, path], env=env, capture_output=True, text=True)
        if r.stdout.startswith("ERROR"):
            print(r.stdout.splitlines()[0])
            sys.exit(1)
    print("ERROR %s %s %s %s %s %s" % (type(e).__name__, e.lineno, e.offset,
                                        e.end_lineno, e.end_offset, e.msg))
    sys.exit(1)
except (MemoryError, RecursionError) as e:
    print("ERROR MemoryError 0 0 0 0 %s" % e)
    sys.exit(1)
print(ast.dump(tree, include_attributes=pos))
