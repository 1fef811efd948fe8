with (x for x in y):
    pass
with (yield):
    pass
async def f():
    async with (a as b, c):
        pass
