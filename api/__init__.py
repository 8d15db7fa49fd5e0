"""JSON API v1: the same domain layer as the web pages, behind bearer tokens."""
