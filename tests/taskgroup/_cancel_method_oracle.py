# The oracle for cancel_method.asy: CPython 3.13 with 3.15's TaskGroup.cancel() and the
# `return True` that ends 3.15's __aexit__. Expected output:
#   cat _cancel_method_oracle.py cancel_method.asy | PYENV_VERSION=3.13.0 python3 - > cancel_method.out
import asyncio
class _TG(asyncio.TaskGroup):
    # The cancel() of CPython 3.15's taskgroups.py, for a 3.13 oracle.
    def __init__(self):
        super().__init__()
        self._cancel_on_enter = False
    async def __aenter__(self):
        r = await super().__aenter__()
        if self._cancel_on_enter:
            self.cancel()
        return r
    async def __aexit__(self, et, exc, tb):
        await super().__aexit__(et, exc, tb)
        return True
    def cancel(self):
        if not self._entered:
            self._cancel_on_enter = True
            return
        if self._exiting and not self._tasks:
            return
        if not self._aborting:
            self._abort()
            if self._parent_task and not self._parent_cancel_requested:
                self._parent_cancel_requested = True
                self._parent_task.cancel()
asyncio.TaskGroup = _TG
