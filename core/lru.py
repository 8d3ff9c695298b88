"""A process-local map keeping the most recently used entries within a size, safe across threads.

copies = LRU(4 * 1024 * 1024, size=len)   # at most 4 MB of strings
hints = LRU(10_000)                       # at most 10,000 entries
"""

import threading
from collections import OrderedDict


class LRU:
    def __init__(self, limit, size=None):
        self.limit = limit
        self._size = size or (lambda value: 1)
        self._data: OrderedDict = OrderedDict()
        self.used = 0
        self._lock = threading.Lock()

    def get(self, key, default=None):
        with self._lock:
            value = self._data.get(key, default)
            if key in self._data:
                self._data.move_to_end(key)
            return value

    def set(self, key, value):
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self.used -= self._size(old)
            self._data[key] = value
            self.used += self._size(value)
            while self.used > self.limit and self._data:
                _key, dropped = self._data.popitem(last=False)
                self.used -= self._size(dropped)

    def clear(self):
        with self._lock:
            self._data.clear()
            self.used = 0
