"""The Draw tab's component ids, shared by its layout and its callbacks so neither spells them twice."""

from dashboard.components.feedback import Feedback
from dashboard.components.reading_panel import ReadingPanel

PAGE = "draw-page"
PAD = "pad"                        # the dash-canvas (its id does not reach the page's DOM)
PAD_FRAME = "pad-frame"            # the Div whose key a Clear changes, remounting the pad
STROKES = "pad-strokes"            # the store the pad's strokes arrive in (assets/digit_reader.js)
BRUSH_SIZE = "brush-size"
CLEAR = "clear"
MESSAGE = "draw-message"           # friendly word about bad input; the last reading stays
TARGET = "draw-target"             # the class the saliency explains (None: the prediction)
STEPS = "steps"
CARDS = "digit-cards"              # one card per digit when a number is drawn
CHOSEN_CARD = "chosen-card"        # a store the cards set: the position of the digit a person chose
SHOWN_CARD = "shown-card"          # a store: the position of the digit shown in detail (no callback fires on it)
# The reading view without a prefix: its big digit is the element with id "prediction".
PANEL = ReadingPanel("")
# "Right? / No, it's a ..." under the verdict: saves what is on the pad.
FEEDBACK = Feedback("", source=STROKES)
