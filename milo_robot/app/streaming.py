# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The Milo robot authors
"""Stream what a blocking generator yields (an answer, sentence by sentence) to an async response.

The generator runs in its own thread; when the client goes away, the cancel event is set, so the
model stops within a token and the question is logged as interrupted.
"""

import asyncio
import json
import threading
from typing import AsyncIterator, Callable, Iterator

_END = object()


async def from_thread(produce: Callable[[threading.Event], Iterator]) -> AsyncIterator:
    """Yield the items of `produce(cancel)`, run in a thread; an exception it raises is re-raised."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()
    cancel = threading.Event()

    def hand_over(item, error=None):
        try:
            loop.call_soon_threadsafe(queue.put_nowait, (item, error))
        except RuntimeError:  # the event loop is closed: nobody listens any more
            cancel.set()

    def work():
        items = produce(cancel)
        try:
            for item in items:
                hand_over(item)
                if cancel.is_set():
                    break
        except Exception as exc:  # noqa: BLE001 - handed to the request, which reports it
            hand_over(None, exc)
        finally:
            items.close()  # runs the generator's clean-up (the question log) in this thread
            hand_over(_END)

    threading.Thread(target=work, name='answer-stream', daemon=True).start()
    try:
        while True:
            item, error = await queue.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item
    finally:
        cancel.set()


def sse(data: dict) -> str:
    """Format one server-sent event carrying a JSON object."""
    return f'data: {json.dumps(data, ensure_ascii=False)}\n\n'
