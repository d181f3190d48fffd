"""The only code that touches output/: writing and swapping the site, checks on it, the search index."""
