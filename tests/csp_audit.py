"""Finds what a strict Content-Security-Policy would block in an HTML page."""

from html.parser import HTMLParser


class _Auditor(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        for name, _value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            if name == "style":
                self.problems.append(f"<{tag} style=...> attribute")
        if tag == "style":
            self.problems.append("<style> block")
        data_block = names.get("type") in ("application/ld+json", "application/json")
        if tag == "script" and not names.get("src") and not data_block:
            self.problems.append("inline <script>")
        for name in ("href", "src", "action", "formaction"):
            if (names.get(name) or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")


def csp_problems(html):
    auditor = _Auditor()
    auditor.feed(html)
    return auditor.problems
