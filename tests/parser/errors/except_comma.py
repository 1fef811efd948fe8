try:
  x
except A, B:
  y
