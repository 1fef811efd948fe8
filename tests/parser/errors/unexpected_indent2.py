x
  y
