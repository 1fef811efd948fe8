x = (a : b
