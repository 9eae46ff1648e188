"""`make bench` and `make audit`: tooling that drives the site from outside, as a visitor does.

It lives outside the site's packages on purpose: the site never imports it (checked by
tests/test_code_layout.py), so it is not deployed with the site nor part of what cached pages
are rendered from."""
