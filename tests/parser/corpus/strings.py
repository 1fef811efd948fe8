a = 'single'
b = "double"
c = '''triple
single'''
d = """triple
double"""
e = r'raw\n'
f = b'bytes\x00\xff'
g = rb'raw bytes\n' + BR'x' + Rb"y" + bR'z'
h = 'esc \n \t \\ \' \" \a \b \f \v \r \x41 \101 \u00e9 \U0001F600 \N{EM DASH}'
i = 'implicit' 'concat' "enation"
j = ('multi'
     'line'
     "concat")
k = f'{x}'
l = f'{x!r} {y!s} {z!a}'
m = f'{x:>10} {y:.2f} {z:,}'
n = f'{x=} {y = } {z=!s} {w=:>4}'
o = f'{{literal}} {x} }}'
p = f"{'nested'}" + f'{"nested"}' + f"{f'{x}'}"
q = f'{a["key"]}'
r = F"upper {x}"
s = rf"raw {x} \n" + fR'{y}\t' + Rf"{z}"
t = f'''triple {x}
second line {y}'''
u = f"{x:{width}.{prec}f}"
v = f"{x}" f"{y}" "plain" f"{z}"
w = f"" "" f""
x = f"{ x }"
y = f"{x,y}"
z = f"{x:}"
aa = f'{3.14:.1f}'
bb = f"{'a' if x else 'b'}"
cc = f"{x!r:^20}"
dd = f"{(lambda: 1)}" if 0 else f"{(lambda: 1)()}"
ee = 'ünïcödé' + "日本語" + f"{x}é"
ff = '\N{BULLET} \N{DEGREE SIGN}'
gg = b'\n\t\\'
hh = 'a\
b'
ii = u'unicode'
jj = U"also"
kk = "it's"
ll = 'say "hi"'
mm = 'both \' and "'
nn = '\0\1\12'
oo = f'{x}\n{y}\t'
pp = f'{x:{"<"}10}'
qq = f"{x}" "{notfield}"
rr = f"{'\n'.join(a)}"
