"""The write side: validated commands, one transaction each, with an audit row and a version check."""
