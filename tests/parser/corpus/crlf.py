x = 1
if x:
    y = "a\
b" if 0 else """c
d"""
    z = (1,
         2)
