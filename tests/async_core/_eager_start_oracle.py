# The oracle for eager_start.asy: CPython 3.13 with 3.14's eager_start keyword on
# create_task (asyncio's, the loop's and TaskGroup's; 3.13's Task already takes it).
# Expected output:
#   cat _eager_start_oracle.py eager_start.asy | PYENV_VERSION=3.13.0 python3 - > eager_start.out
import asyncio
from asyncio import tasks as _tasks
_loop_create = asyncio.BaseEventLoop.create_task
def _create_task(self, coro, *, name=None, context=None, eager_start=False):
    if not eager_start:
        return _loop_create(self, coro, name=name, context=context)
    return _tasks.Task(coro, loop=self, name=name, context=context, eager_start=True)
asyncio.BaseEventLoop.create_task = _create_task
def _aio_create_task(coro, *, name=None, context=None, eager_start=False):
    return asyncio.get_running_loop().create_task(coro, name=name, context=context,
                                                  eager_start=eager_start)
asyncio.create_task = _aio_create_task
_tg_create = asyncio.TaskGroup.create_task
def _tg_create_task(self, coro, *, name=None, context=None, eager_start=False):
    loop = self._loop
    if eager_start and loop is not None:
        saved = loop.create_task
        loop.create_task = lambda c, **kw: _create_task(loop, c, eager_start=True, **kw)
        try:
            return _tg_create(self, coro, name=name, context=context)
        finally:
            del loop.create_task
    return _tg_create(self, coro, name=name, context=context)
asyncio.TaskGroup.create_task = _tg_create_task
