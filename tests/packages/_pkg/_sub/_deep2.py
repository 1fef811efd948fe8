from .. import value
from .._helper import hval
dval = value + hval
