x = f"{x=!r}" f"{ x = !r:>10}" f'{"a" "b"}' f"{a,}"
y = f"{x:{y:{z}}}" f'{x!r:{w}.{p}}' f"{'{'}{'}'}"
z = f"""{
    x
}""" f'''{x:
}'''
w = f"{'a' if x else 'b':>{width}}"
v = f"{ {'k': 1}['k'] = }"
u = f"{x!s}" rf"\d{x}\n" fr'\{x}'
t = f"{3!r:}" f"{x:=^10}" f"{x:#x}" f"{x:+.3e}"
s = f"{f'{f"{1}"}'}" f'{x}' "plain"
