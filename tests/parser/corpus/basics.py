x = 1, 2,
y = (1, 2)
f(x for x in y)
f(a, *b, c=1, **d)
with (a, b): pass
with (a, b) as c: pass
with (a as b, c): pass
with (a): pass
with (a as b, c as d,):
    pass
with a as (b, c), d as e[0]:
    pass
s = f"a{x!r:>{w}}b{y=}c{z = :>5}{{}}"
t = u"hi" "there"
u = "a" f"b{c}" "d"
v = 0xFF_FF + 1.5e-3 + 1_000j
def g(a, /, b=1, *c, d, e=2, **f) -> int: pass
class C(B, metaclass=M): pass
a[1:2, 3]
a[::2]
a[:]
a[1:]
a[:2]
a[1,]
a[*b]
a[x:=1]
-x ** 2
not a == b
a if b else c
lambda: 0
lambda x, *y, z=1, **w: x
x = y = z = 0
x += 1; y -= 2; z *= 3
a @= b
a //= b; a **= c; a >>= 1; a <<= 2; a &= 3; a |= 4; a ^= 5; a %= 6; a /= 7
del a, b[0], c.d
del (a, b)
del [a, b],
assert x, "msg"
assert x
raise
raise E
raise E from None
return_value = None
global_x = 1
