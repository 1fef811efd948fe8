print("helper", __name__, __package__)
hval = 42
