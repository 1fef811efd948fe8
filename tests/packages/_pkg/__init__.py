print("pkg init", __name__, __package__)
from . import _helper
from ._helper import hval
value = 10
