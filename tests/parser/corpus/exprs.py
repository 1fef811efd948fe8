a or b or c
(a or b) or c
a and b and c or d
a < b < c
(a < b) < c
a not in b
a is not b
a is b
a in b
a != b >= c <= d > e
x | y ^ z & w << 1 >> 2
x + y - z * w / v // u % t @ s
-a + +b - ~c
a ** b ** c
(-a) ** -b
await x
f()(1)[2].b
f(*a, *b, **c, **d)
f(a)(b)
f(x=1, y=2)
print(*args, sep='')
x = [1, 2, *rest]
y = {**a, 'b': 1, **c}
z = {1, 2, *s}
t = (1,)
e = ()
l = []
d = {}
s = ...
n = None; t = True; f = False
x = (yield)
(x := 10)
if (n := len(a)) > 10: pass
[y := f(x), y**2]
x = 1 if a else 2 if b else 3
lambda: (yield)
lambda a, b=1, *, c, **d: 0
lambda *a: a
lambda a, /, b: 0
x = a.b.c.d
x = a[b][c]
x = a[b:c:d]
x = a[1:2, ::3, ...]
f(a for a in b)
f((a for a in b), c)
x = 1_000_000
x = 0b1010 + 0o17 + 0XAB
x = 1e10 + 1.5 + .5 + 5. + 1E-5 + 3.14j + 10J
x = 9223372036854775807
x = 9223372036854775808
x = 0xFFFFFFFFFFFFFFFFFFFF
x = 00
x = 0.0
x = 1e400
x = 123456789.123456789
