"""JSON forms of the domain's records, shared by the API and the webhooks that carry them."""
