import os
import a.b.c as d, e
from x import y
from x.y import (a, b as c,)
from . import z
from ..pkg import w
from ... import q
from x import *
if a:
    pass
elif b:
    x = 1
elif c:
    pass
else:
    y = 2
while x < 10:
    x += 1
    if x == 5:
        break
    continue
else:
    pass
for i in range(10):
    print(i)
else:
    print("done")
for a, b in items:
    pass
for (a, b), *c in items: pass
for x, in y: pass
try:
    pass
except ValueError:
    pass
except (TypeError, KeyError) as e:
    raise
except:
    pass
else:
    x = 1
finally:
    y = 2
try:
    f()
finally:
    g()
try:
    f()
except* ValueError as eg:
    pass
except* (TypeError, KeyError):
    pass
def f():
    global x, y
    def g():
        nonlocal z
    return
def h(*, a, b=2): yield
def k(a, b, /): return a
def m(a=1, /, b=2, *args, c, **kw): ...
@dec
@dec2(1, 2)
@a.b.c
def decorated(): pass
@dec
class K:
    x: int = 5
    y: str
    (z): int = 3
    a.b: int
    a[0]: int = 1
    def method(self): return self
class E(Exception): pass
class F(): pass
async def main():
    async with a as b, c:
        pass
    async for x in y:
        await x
    await asyncio.sleep(1)
    return [x async for x in aiter() if x]
@decorator
async def deco_async(): pass
x = yield
y = yield from z
match = 1
case = match
type = 2
print(match, case, type)
x = [i for i in range(10) if i % 2 if i > 3]
y = {k: v for k, v in d.items()}
z = {i for i in s}
g = (i for i in s for j in t)
w = [(i, j) for i in a for j in b]
