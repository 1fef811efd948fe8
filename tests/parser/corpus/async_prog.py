"""A realistic asyncio program: structured concurrency."""
import asyncio
from asyncio import TaskGroup, timeout


class Worker:
    """Docstring."""

    count: int = 0

    def __init__(self, name, *, delay=0.1):
        self.name = name
        self.delay = delay
        Worker.count += 1

    def __repr__(self):
        return f"Worker({self.name!r}, delay={self.delay:.2f})"

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    async def run(self, q: asyncio.Queue) -> None:
        while True:
            item = await q.get()
            try:
                if item is None:
                    break
                await asyncio.sleep(self.delay)
                print(f"{self.name}: {item}")
            finally:
                q.task_done()


async def producer(q, n):
    for i in range(n):
        await q.put(i)
    for _ in range(3):
        await q.put(None)


async def main():
    q = asyncio.Queue()
    workers = [Worker(f"w{i}", delay=0.01 * i) for i in range(3)]
    try:
        async with TaskGroup() as tg:
            tg.create_task(producer(q, 10))
            for w in workers:
                tg.create_task(w.run(q))
    except* ValueError as eg:
        for e in eg.exceptions:
            print("value error", e)
    except* (TypeError, KeyError):
        pass
    async with timeout(1.5):
        await asyncio.sleep(0)
    results = await asyncio.gather(*(asyncio.sleep(0, result=i) for i in range(3)),
                                   return_exceptions=True)
    print(results, sep="\n", end="")
    d = {w.name: w for w in workers if w.delay > 0}
    total = sum(x * x for x in range(10))
    print(total, len(d))


if __name__ == "__main__":
    asyncio.run(main())
