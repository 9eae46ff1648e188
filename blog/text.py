"""A post's Markdown as safe HTML: Python-Markdown renders it, nh3 (the Ammonia sanitiser)
keeps only the tags a guide needs, so nothing staff paste (a script, an iframe, an onclick)
reaches a page."""

from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote", "br",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


def render_markdown(text):
    # Imported here: a post is rendered once per content version (the page cache keeps it) and
    # by staff's previews, so most workers never need Python-Markdown or nh3 in memory.
    import markdown
    import nh3

    html = markdown.markdown(text, extensions=["tables"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
