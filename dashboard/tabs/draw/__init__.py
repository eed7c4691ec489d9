"""The Draw tab: a live drawing pad, and the model's reading of what is drawn."""

from dashboard.tabs import Tab
from dashboard.tabs.draw import ids
from dashboard.tabs.draw.callbacks import register_callbacks
from dashboard.tabs.draw.layout import layout

TAB = Tab(page_id=ids.PAGE, label="Draw", layout=layout, register_callbacks=register_callbacks)
