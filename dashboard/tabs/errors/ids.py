"""The Error-analysis tab's component ids, shared by its layout and its callbacks."""

from dashboard.components.reading_panel import ReadingPanel

PAGE = "errors-page"
CONFUSION = "confusion"
TRUE_FILTER = "true-filter"
PREDICTED_FILTER = "predicted-filter"
ORDER = "order"
GALLERY = "gallery"
GALLERY_TITLE = "gallery-title"
THUMBNAIL = "thumbnail"            # pattern-matching type: {"type": THUMBNAIL, "index": test index}
INSPECTOR = "inspector"
INSPECTOR_TITLE = "inspector-title"
INSPECTOR_MESSAGE = "inspector-message"
INSPECTED = "inspected"            # {"index": test index, "target": class or None}
# The inspector shows a test digit in the Draw tab's reading view, under ids of its own.
PANEL = ReadingPanel("inspector-")
