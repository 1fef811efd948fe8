"""Used by oracle_dump.py: when CPython runs a file that fails to compile, print
the SyntaxError's attributes in ast_dump's ERROR format instead of a traceback.
(Running the file, not compile(string), because the two disagree on a few
positions and Asy reproduces what `python3 file.py` reports.)"""
import sys


def _hook(t, v, tb):
    if isinstance(v, SyntaxError):
        print("ERROR %s %s %s %s %s %s" % (t.__name__, v.lineno, v.offset, v.end_lineno,
                                           v.end_offset, v.msg))
    else:
        print("ERROR %s 0 0 0 0 %s" % ("MemoryError" if isinstance(v, (MemoryError, RecursionError))
                                       else t.__name__, v))


sys.excepthook = _hook
