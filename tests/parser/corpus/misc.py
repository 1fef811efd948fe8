x = a if b else c
y = [a for b in c if d if e for f in g]
z = lambda: (yield)
print(*a, *b, sep='', end='\n', **kw)
a = b = c = d
a, *b, c = range(10)
[a, b] = 1, 2
(a, b), c = x
a.b.c = 1
a[1][2] = 3
a[1:2] = []
x, = y
((a)) = 1
(a) = 2
f()[0] = 1
assert isinstance(x, int), f"bad {x!r}"
del a[0], a.b
if not (a and b) or c:
    pass
x = not a
y = - - - a
z = ~-+a
w = a ** -b ** c
v = await_ = 1
result = (yield)
def gen():
    x = yield 1
    y = yield from g()
    yield
    yield a, b
    return x
def defaults(a, b=[1, 2], *args, c={'k': 1}, d=(1,), **kw):
    pass
def annotated(a: int, b: "str" = "x", *args: int, c: list[int], **kw: dict) -> None:
    pass
lambda x=lambda y: y: x
k = {**a}
k2 = {1: 2, **b, 3: 4}
s = {*a, *b}
t = *a, *b
u = [*a]
i = a[b, c:d, e::f]
j = a[()]
ops = (a < b) == (c > d) != e
call = f(a)(b)(c)
chained = a.b(c).d[e].f(g=h)
nums = [0, 1, -1, 0.5, 1e-10, 1E+10, 0x0, 0o0, 0b0, 1_0, 1j, 0j, 1.j]
big = 99999999999999999999999999999999
neg_big = -9223372036854775808
empty_fs = f''
nested = f"{f'{f"{x}"}'}"
dict_in_fs = f"{ {'a': 1}['a'] }"
set_in_fs = f"{ {1, 2} }"
slice_in_fs = f"{a[1:2]}"
call_in_fs = f"{f(x, y=1)!s:{fill}^{width}}"
eq_fs = f"{a + b = }"
eq_fs2 = f"{x=!r:10}"
ternary_fs = f"{x if y else z}"
walrus_in_fs = f"{(x := 5)}"
comment = [1,  # one
           2]  # two
