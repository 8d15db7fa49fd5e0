"""Users, sign-in, roles and the "may this user do this?" checks."""
