"""The weekly recovery report: figures by SQL aggregation, snapshots, rendering."""
