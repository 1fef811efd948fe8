import _imp_circ2
A = 1
