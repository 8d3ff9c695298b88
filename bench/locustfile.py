"""Locust load for one page of the bench (bench/run.py starts one headless run per page).

Environment: BENCH_PATH (the page), BENCH_COOKIES (Cookie headers, one a line, one per simulated user,
for a logged-in page).
The session cookie is sent by hand: production cookies are Secure and the bench talks plain HTTP
on the loopback (as a TLS proxy would after terminating TLS).
"""

import itertools
import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/bench/baseline/")
NAME = os.environ.get("BENCH_NAME", PATH)
COOKIES = [c for c in os.environ.get("BENCH_COOKIES", "").splitlines() if c]
_next_user = itertools.count()


class PageUser(FastHttpUser):
    wait_time = constant(0)  # closed loop: each user asks again as soon as it has its answer

    def on_start(self):
        self.headers = {"Accept-Language": "fr"}
        if COOKIES:  # each simulated user has its own session
            self.headers["Cookie"] = COOKIES[next(_next_user) % len(COOKIES)]

    @task
    def page(self):
        with self.client.get(
            PATH, headers=self.headers, name=NAME, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
