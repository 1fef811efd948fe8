else:
  x
