"""Images made fit to publish: re-encoded without metadata at the site's widths (process),
drawings checked (svg), all of a site's on every core with a store (stage)."""
