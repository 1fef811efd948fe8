from .. import value
from ... import nothing
