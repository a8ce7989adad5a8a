"""The read side: query the store, run the domain, return frames and small view objects for a page."""
