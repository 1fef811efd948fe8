def f()
  z
