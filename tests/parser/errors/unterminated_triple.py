x = '''abc

def