"""Customers: who complained, how to reach them, their tier and preferred owner."""
