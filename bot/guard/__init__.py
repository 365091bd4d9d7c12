"""Defences at the edge: what loopbot checks before it trusts a request, and how it fails safely.

`wsgi` caps and verifies a request before Bolt parses it, `envelope` and `inputs` check what a request
carries, `logs` keeps request-derived text from forging log lines, `health` answers /healthz within a
second, `trouble` turns database trouble into retries and messages instead of silent loss.
"""
