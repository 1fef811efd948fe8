print("loading _imp_mod", __name__)
X = 1
def f():
    return "_imp_mod.f"
_private = 2
