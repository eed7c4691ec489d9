"""A thumbnail as the galleries and the nearest training digits show one: a button with the digit's pixels above
two lines of text (the labels, then a detail); ``.thumb`` in assets/style.css lays it out.

One Dash component, not four (a button, an image and two spans): Dash's renderer checks every mounted
component on each change to its store, and components just mounted each make such a change, so a gallery's
cost grows with the square of its parts. The pixels are the button's background; the text is real text.
"""

from dash import html


def thumbnail(pixels_url, labels, detail, classes=(), **props):
    """``props`` are the button's own (its ``id``, ``title``, ``n_clicks``, ``data-*``)."""
    return html.Button(f"{labels}\n{detail}", type="button", className=" ".join(["thumb", *classes]),
                       style={"backgroundImage": f"url({pixels_url})"}, **props)
