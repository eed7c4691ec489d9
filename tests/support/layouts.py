"""Walking a Dash layout in tests: every component and every string in a tree, in order."""


def nodes(tree):
    """Every component and string in ``tree`` (a component, a list of them, a string or None), depth first."""
    if isinstance(tree, str):
        yield tree
    elif isinstance(tree, (list, tuple)):
        for child in tree:
            yield from nodes(child)
    elif hasattr(tree, "to_plotly_json"):
        yield tree
        yield from nodes(getattr(tree, "children", None))


def texts(tree):
    """Every string in ``tree``."""
    return [node for node in nodes(tree) if isinstance(node, str)]
