"""The manager's pages for sites and users."""
