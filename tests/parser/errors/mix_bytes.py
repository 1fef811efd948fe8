x = "a" b'c'
