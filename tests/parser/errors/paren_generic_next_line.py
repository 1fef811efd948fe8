x = (
a : b
