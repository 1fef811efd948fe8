if x:
  pass
 pass
