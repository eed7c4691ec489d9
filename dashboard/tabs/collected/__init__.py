"""The Collected tab: the drawings people saved with their labels, how the current model does on them,
each open to inspection, deletable; a visitor sees their own, the signed-in admin everyone's."""

from dashboard.tabs import Tab
from dashboard.tabs.collected import ids
from dashboard.tabs.collected.callbacks import register_callbacks
from dashboard.tabs.collected.layout import layout

TAB = Tab(page_id=ids.PAGE, label="Collected", layout=layout, register_callbacks=register_callbacks, lazy=True)
