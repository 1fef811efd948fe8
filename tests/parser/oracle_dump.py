"""CPython side of check_ast.sh: print ast.dump() of a file, or its SyntaxError
in ast_dump's format: ERROR <Kind> <lineno> <offset> <end_lineno> <end_offset> <msg>."""
import ast
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
    print("ERROR %s %s %s %s %s %s" % (type(e).__name__, e.lineno, e.offset,
                                        e.end_lineno, e.end_offset, e.msg))
    sys.exit(1)
except (MemoryError, RecursionError) as e:
    print("ERROR MemoryError 0 0 0 0 %s" % e)
    sys.exit(1)
print(ast.dump(tree, include_attributes=pos))
