"""Show where two one-line AST dumps first differ (used by check_ast.sh)."""
import sys
a, b = sys.argv[1], sys.argv[2]
i = 0
n = min(len(a), len(b))
while i < n and a[i] == b[i]:
    i += 1
lo = max(0, i - 250)
print("  want: ..." + a[lo:i + 150])
print("  got:  ..." + b[lo:i + 150])
