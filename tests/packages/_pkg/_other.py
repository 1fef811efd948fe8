from . import value
from ._helper import hval as hv
from ._sub._deep2 import dval
print("other", __name__, value, hv, dval)
