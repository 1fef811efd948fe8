from _imp_circ1 import A
