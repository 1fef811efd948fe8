# comment at top

x = 1  # trailing comment
   # indented comment line
if x:
    # comment in block

    y = 2
        # over-indented comment
    z = (1,
  2,
         3)
    w = [
        1,
        2,
    ]
else:
	pass
def f(a,
      b):
    return a + \
        b
s = """multi
line
string"""; t = 1
u = 'a' \
    'b'
class C:
    def m(self):
        if self:
            if self:
                return 1
    x = 2
v = {
    'a': 1,
    'b': [
        2, 3
    ],
}
if a: b = 1; c = 2
while 0: pass
for x in y: z = 1; continue
with a: pass
try: pass
except: pass
def one(): return 1
r = f"""
{x}
  {y:>{w}}
"""
q = (
    a
    + b
    - c
)
