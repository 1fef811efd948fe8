x y
print('abc
