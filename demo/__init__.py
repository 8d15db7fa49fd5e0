"""Demo data: one site, one user of each role, customers and weeks of tickets."""
