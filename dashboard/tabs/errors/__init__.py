"""The Error-analysis tab: the model taken apart on the MNIST test set, from the shipped report."""

from dashboard.tabs import Tab
from dashboard.tabs.errors import ids
from dashboard.tabs.errors.callbacks import register_callbacks
from dashboard.tabs.errors.layout import layout

TAB = Tab(page_id=ids.PAGE, label="Error analysis", layout=layout, register_callbacks=register_callbacks,
          lazy=True, inspects=True)
