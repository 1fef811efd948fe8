print("bad start")
raise ValueError("bad module")
