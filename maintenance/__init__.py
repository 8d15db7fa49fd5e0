"""Keeping the database sound: the integrity checker, backups and restores (CLI)."""
