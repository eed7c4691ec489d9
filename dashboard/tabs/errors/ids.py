"""The Error-analysis tab's component ids, shared by its layout and its callbacks."""

from dashboard.components.reading_panel import ReadingPanel

PAGE = "errors-page"
CONFUSION = "confusion"
TRUE_FILTER = "true-filter"
PREDICTED_FILTER = "predicted-filter"
ORDER = "order"
SHOW = "gallery-show"              # a choice group: the mistakes, the suspected label errors, the map selection
SELECTION = "map-selection"        # a store: the test indices last selected on the map
GALLERY = "gallery"
GALLERY_TITLE = "gallery-title"
THUMBNAIL = "thumbnail"            # pattern-matching type: {"type": THUMBNAIL, "index": test index}
INSPECTOR = "inspector"
INSPECTOR_TITLE = "inspector-title"
INSPECTOR_MESSAGE = "inspector-message"
EVIDENCE = "inspector-evidence"    # why a test digit's label is suspected
INSPECTED = "inspected"            # {"index": test index, "target": class or None}
MAP = "test-map"
MAP_TOOLTIP = "test-map-tooltip"
MAP_CAPTION = "test-map-caption"   # where the Draw tab's drawing fell
RELIABILITY = "reliability"
COVERAGE = "coverage"
# The inspector shows a test digit in the Draw tab's reading view, under ids of its own.
PANEL = ReadingPanel("inspector-")
