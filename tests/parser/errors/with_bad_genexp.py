with (a, b for b in c):
    pass
