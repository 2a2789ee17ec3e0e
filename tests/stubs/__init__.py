"""Local stand-ins for outside servers that cannot run in the tests."""
