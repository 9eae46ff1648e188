"""Staff text to HTML: paragraphs, `## ` headings and `- ` lists, everything else escaped.

Enough structure for a content page without letting HTML (or a script) in through admin.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe


def render_body(text, *, heading_level=2):
    blocks = []
    for chunk in text.replace("\r\n", "\n").split("\n\n"):
        paragraph, items = [], []
        for line in (line.strip() for line in chunk.split("\n")):
            if not line:
                continue
            if line.startswith("## "):
                _flush(blocks, paragraph, items)
                blocks.append(f"<h{heading_level}>{escape(line[3:].strip())}</h{heading_level}>")
            elif line.startswith("- "):
                _flush(blocks, paragraph, [])
                items.append(line[2:].strip())
            else:
                _flush(blocks, [], items)
                paragraph.append(line)
        _flush(blocks, paragraph, items)
    return mark_safe("\n".join(blocks))  # noqa: S308 - every piece of staff text is escaped


def _flush(blocks, paragraph, items):
    """Close the open paragraph or list (emptying it) onto `blocks`."""
    if paragraph:
        blocks.append("<p>" + "<br>".join(escape(p) for p in paragraph) + "</p>")
        paragraph.clear()
    if items:
        blocks.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
        items.clear()
