"""Rendering a page once for everyone and one block of it per request.

A trek page is the same for every visitor except its aside (`{% block trek_aside %}`, where the
request form and its CSRF token go). The view renders the page once per catalogue version with a
marker in place of the aside (the *shell*, cached), and for each request renders only that block,
with the request's own context, and puts it in place of the marker.
"""

from weakref import WeakKeyDictionary

from django.template.context import make_context
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext, BlockNode, ExtendsNode

# Cannot come from content: every value a template prints is escaped, "<" included.
ASIDE_MARKER = "<!-- trek_aside -->"


# Compiled template -> its blocks, leaf first, up the {% extends %} chain. Walking the node tree
# costs more than rendering a small block, and a compiled template never changes.
_chains = WeakKeyDictionary()


def _block_chain(compiled, context):
    chain = _chains.get(compiled)
    if chain is None:
        chain = []
        current = compiled
        while current is not None:
            blocks = current.nodelist.get_nodes_by_type(BlockNode)
            chain.append({block.name: block for block in blocks})
            extends = current.nodelist.get_nodes_by_type(ExtendsNode)
            current = extends[0].get_parent(context) if extends else None
        _chains[compiled] = chain
    return chain


def render_block(template, name, context, request):
    """Render block `name` of `template` (a backend template from get_template/select_template)
    as the full page would, honouring overrides in templates that extend it and {{ block.super }}.
    """
    compiled = template.template
    context = make_context(context, request, autoescape=template.backend.engine.autoescape)
    with context.bind_template(compiled), context.render_context.push_state(compiled):
        block_context = BlockContext()
        # Leaf first: the most derived definition of a block is the one rendered.
        for blocks in _block_chain(compiled, context):
            block_context.add_blocks(blocks)
        root = block_context.blocks[name][0] if block_context.blocks[name] else None
        if root is None:
            return ""
        context.render_context[BLOCK_CONTEXT_KEY] = block_context
        return root.render(context)
