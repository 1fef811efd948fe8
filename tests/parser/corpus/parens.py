(a).b
(a)(b)
(a)[b]
-(a)
(a) if (b) else (c)
not (a)
x = (await (a)) if 0 else 1
*(a), = (b),
f((x for x in y))
f((x) for (x) in (y) if (z))
g = lambda: (x)
d = {(a): (b), **(c)}
s = a[(b):(c):(d)]
t = a[(b), (c)]
f(*(a), k=(v), **(w))
[(x) for x in (y)]
(a) + (b) * (c)
((a) + (b)) * (c)
(a) < (b) < (c)
(a) and (b) or (c)
((a) == (b))
x = ((1, 2), (3,))
(a), (b) = (c), (d)
for (x) in (y): pass
with (a) as (b), (c): pass
del (a), (b)
assert (a), (b)
print((yield))
y = (yield x)
z = [(yield)]
w = (a := 1), (b := 2)
v = ((a := 1))
u = (
    1
    +
    2
)
q = f(
    a,
    b,
)(
    c
)
r = (a
     .b
     .c())
class K(
    Base,
    metaclass=M,
):
    pass
@(dec)
def fn(): pass
@dec(
    1,
)
def fn2(
    a,
    b=(1),
) -> (int):
    pass
p = [
    x
    for x in y
    if x
]
o = {
    k: v
    for k, v in z
}
n = f"{(a)}" f"{ (b) = }"
m = ((((((1))))))
l = (*a, *b)
k = (a for b in c)
j = (a,)
i = ((a),)
h = (-a) ** (-b)
