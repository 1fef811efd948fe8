x = 1
if x:
	y = 2
	if y:
		z = 3
