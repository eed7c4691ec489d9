"""The Draw tab's component ids, shared by its layout and its callbacks so neither spells them twice."""

from dashboard.components.reading_panel import ReadingPanel

PAGE = "draw-page"
PAD = "pad"                        # the dash-canvas (its id does not reach the page's DOM)
PAD_FRAME = "pad-frame"            # the Div whose key the Clear button changes, remounting the pad
BRUSH_SIZE = "brush-size"
CLEAR = "clear"
MESSAGE = "draw-message"           # friendly word about bad input; the last reading stays
TARGET = "draw-target"             # the class the saliency explains (None: the prediction)
STEPS = "steps"
# The reading view without a prefix: its big digit is the element with id "prediction".
PANEL = ReadingPanel("")
