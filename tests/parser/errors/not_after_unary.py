x = -not a
