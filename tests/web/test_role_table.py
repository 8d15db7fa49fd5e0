"""Every protected route × anonymous and each role → the expected status."""

import pytest

ANON, DESK, SUPER, MANAGER = "anonymous", "front_desk", "supervisor", "manager"

# (method, path) → expected status per viewer.
ROUTES = {
    ("GET", "/"): {ANON: 302, DESK: 200, SUPER: 200, MANAGER: 200},
    ("GET", "/account/password"): {ANON: 302, DESK: 200, SUPER: 200, MANAGER: 200},
    ("GET", "/admin/sites/"): {ANON: 302, DESK: 403, SUPER: 403, MANAGER: 200},
    ("GET", "/admin/sites/new"): {ANON: 302, DESK: 403, SUPER: 403, MANAGER: 200},
    ("GET", "/admin/sites/{site}"): {ANON: 302, DESK: 403, SUPER: 403, MANAGER: 200},
    ("POST", "/admin/sites/new"): {ANON: 302, DESK: 403, SUPER: 403, MANAGER: 200},
    ("GET", "/admin/users/"): {ANON: 302, DESK: 403, SUPER: 403, MANAGER: 200},
    ("GET", "/admin/users/new"): {ANON: 302, DESK: 403, SUPER: 403, MANAGER: 200},
    ("GET", "/admin/users/{user}"): {ANON: 302, DESK: 403, SUPER: 403, MANAGER: 200},
    ("POST", "/admin/users/{user}/password"): {ANON: 302, DESK: 403, SUPER: 403, MANAGER: 302},
    ("GET", "/admin/categories/"): {ANON: 302, DESK: 403, SUPER: 403, MANAGER: 200},
    ("GET", "/account/tokens"): {ANON: 302, DESK: 200, SUPER: 200, MANAGER: 200},
    ("GET", "/tickets/new"): {ANON: 302, DESK: 200, SUPER: 200, MANAGER: 200},
    ("GET", "/tickets/mine"): {ANON: 302, DESK: 200, SUPER: 200, MANAGER: 200},
    ("GET", "/tickets/unowned"): {ANON: 302, DESK: 200, SUPER: 200, MANAGER: 200},
    ("GET", "/tickets/approvals"): {ANON: 302, DESK: 403, SUPER: 200, MANAGER: 200},
    ("GET", "/tickets/"): {ANON: 302, DESK: 200, SUPER: 200, MANAGER: 200},
    ("GET", "/tickets/{ticket}"): {ANON: 302, DESK: 200, SUPER: 200, MANAGER: 200},
    ("GET", "/customers/"): {ANON: 302, DESK: 200, SUPER: 200, MANAGER: 200},
    ("GET", "/customers/{customer}"): {ANON: 302, DESK: 200, SUPER: 200, MANAGER: 200},
    ("GET", "/sla/board"): {ANON: 302, DESK: 403, SUPER: 200, MANAGER: 200},
    ("GET", "/sla/policy"): {ANON: 302, DESK: 403, SUPER: 200, MANAGER: 200},
    ("POST", "/sla/policy/recompute"): {ANON: 302, DESK: 403, SUPER: 302, MANAGER: 302},
    ("GET", "/notifications/"): {ANON: 302, DESK: 200, SUPER: 200, MANAGER: 200},
    ("GET", "/api/v1/tickets"): {ANON: 401, DESK: 401, SUPER: 401, MANAGER: 401},
}


def _cases():
    for (method, path), expected in ROUTES.items():
        for viewer, status in expected.items():
            yield pytest.param(method, path, viewer, status, id=f"{method} {path} {viewer}")


@pytest.mark.parametrize("method, path, viewer, expected", list(_cases()))
def test_role_table(client, login, make_user, make_ticket, method, path, viewer, expected):
    target = make_user("front_desk")
    ticket = make_ticket(owner=target)
    if viewer != ANON:
        login(viewer)
    url = path.format(
        site=target.site_id, user=target.id, ticket=ticket.ref, customer=ticket.customer_id
    )
    response = client.open(url, method=method, data={})
    assert response.status_code == expected
    if expected == 302 and viewer == ANON:
        assert response.headers["Location"].startswith("/sign-in")
