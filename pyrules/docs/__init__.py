"""Publishes the standard as a MkDocs Material site generated from the policies.

`generate` turns a `Standard`, its test cases and the hand-written pages of `docs/` into
MkDocs sources (a throwaway build directory, never committed); `site` builds them with
`mkdocs build --strict`. The site must work offline and opened from disk, because EMB
assessors keep it with their records. Heavy imports (jinja2, mkdocs) live only here, so
`pyrules check` never pays for them.
"""
