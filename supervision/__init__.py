"""The supervisor's pages: the SLA board (at-risk and breached tickets) and the site's
SLA policy editor. Above tickets: it reads tickets and recomputes their due times."""
