"""Locust load for one page of the bench (bench/run.py starts one headless run per page).

Environment: BENCH_PATH (the page), BENCH_COOKIE (a Cookie header for a logged-in page, optional).
The session cookie is sent by hand: production cookies are Secure and the bench talks plain HTTP
on the loopback (as a TLS proxy would after terminating TLS).
"""

import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/bench/baseline/")
HEADERS = {"Accept-Language": "fr"}
if os.environ.get("BENCH_COOKIE"):
    HEADERS["Cookie"] = os.environ["BENCH_COOKIE"]


class PageUser(FastHttpUser):
    wait_time = constant(0)  # closed loop: each user asks again as soon as it has its answer

    @task
    def page(self):
        with self.client.get(PATH, headers=HEADERS, name=PATH, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
