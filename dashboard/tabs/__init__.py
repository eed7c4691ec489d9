"""The dashboard's tabs, one subpackage each (its ids, layout, callbacks and the plain functions
they call), and ``Tab``, what the page needs of each to show it."""

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Tab:
    page_id: str                       # the id of the page the tab shows (and the tab bar's value)
    label: str
    layout: Callable                   # (services) -> the page's component tree
    register_callbacks: Callable       # (dash_app, services) -> None
    lazy: bool = False                 # laid out when first opened, not with the page (its charts load then)
    inspects: bool = False             # the tab whose inspector opens a digit chosen anywhere (INSPECT_REQUEST)
