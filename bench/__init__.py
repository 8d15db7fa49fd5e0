"""The benchmark suite (`make bench`): never imported by the app or the tests."""
