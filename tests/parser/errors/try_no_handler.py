try:
  x
y
