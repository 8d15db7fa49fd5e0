"""A signed-in `requests` session against a real server, CSRF tokens read from its pages."""

import re

import requests

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
TIMEOUT = 30


class Browser:
    """One person's cookies and CSRF token; every request bounded by TIMEOUT."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.csrf = ""

    def get(self, path: str, **kwargs) -> requests.Response:
        response = self.session.get(self.base_url + path, timeout=TIMEOUT,
                                    allow_redirects=False, **kwargs)
        found = TOKEN.search(response.text) if "html" in response.headers.get(
            "Content-Type", "") else None
        if found:
            self.csrf = found.group(1)
        return response

    def post(self, path: str, data: dict) -> requests.Response:
        if not self.csrf:
            self.get("/sign-in")
        return self.session.post(self.base_url + path, data={**data, "csrf_token": self.csrf},
                                 timeout=TIMEOUT, allow_redirects=False)

    def sign_in(self, username: str, password: str = "correct horse") -> "Browser":
        self.get("/sign-in")
        response = self.post("/sign-in", {"username": username, "password": password})
        if response.status_code != 302:
            raise AssertionError(f"sign-in of {username}: {response.status_code}")
        self.get("/tickets/mine")  # a signed-in page: the token of this session
        return self

    def close(self) -> None:
        self.session.close()
