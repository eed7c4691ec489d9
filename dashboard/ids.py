"""Component ids, shared by the layout and the callbacks so neither spells them twice."""

# Page
TABS = "tabs"
DRAW_PAGE = "draw-page"            # the tabs' values, and the ids of the pages they show
ERRORS_PAGE = "errors-page"

# Draw tab
PAD = "pad"                        # the dash-canvas (its id does not reach the page's DOM)
PAD_FRAME = "pad-frame"            # the Div whose key the Clear button changes, remounting the pad
BRUSH_SIZE = "brush-size"
CLEAR = "clear"
DRAW_MESSAGE = "draw-message"      # friendly word about bad input; the last reading stays
DRAW_TARGET = "draw-target"        # the class the saliency explains (None: the prediction)
STEPS = "steps"

# Error-analysis tab
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

# The reading panel appears twice, on the Draw tab and in the inspector; the Draw tab's copy
# has no prefix, so its big digit is the element with id "prediction".
DRAW_PANEL = ""
INSPECTOR_PANEL = "inspector-"
