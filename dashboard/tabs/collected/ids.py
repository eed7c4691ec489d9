"""The Collected tab's component ids, shared by its layout and its callbacks."""

from dashboard.components.reading_panel import ReadingPanel

PAGE = "collected-page"

# Whose drawings: the admin's sign-in (or how to have an admin), and the counter a sign-in or out bumps.
WHO = "collected-who"
NO_ADMIN = "collected-no-admin"
SIGN_IN_FORM = "collected-sign-in-form"
TOKEN = "collected-token"
SIGN_IN = "collected-sign-in"
SIGNED_IN = "collected-signed-in"
SIGN_OUT = "collected-sign-out"
ADMIN_MESSAGE = "collected-admin-message"
SESSION = "collected-session"

# How the current model does on them.
STATS = "collected-stats"
SCORES = "collected-scores"
SUMMARY = "collected-summary"
CONFUSION = "collected-confusion"

# The gallery, its filters and its pages.
LABEL_FILTER = "collected-label"
ANSWER_FILTER = "collected-answer"
WHICH = "collected-which"
GALLERY = "collected-gallery"
GALLERY_TITLE = "collected-gallery-title"
OLDER = "collected-older"
NEWEST = "collected-newest"
PAGING = "collected-paging"        # {"before": id or None (the newest), "next": id or None (no older page)}
THUMBNAIL = "collected-thumbnail"  # pattern-matching type: {"type": THUMBNAIL, "index": drawing id}

# The inspector, and deleting what it shows.
INSPECTOR = "collected-inspector"
INSPECTOR_TITLE = "collected-inspector-title"
INSPECTOR_DETAILS = "collected-inspector-details"
INSPECTOR_MESSAGE = "collected-inspector-message"
OPENED = "collected-opened"        # {"id": drawing id, "target": class or None}
DELETE = "collected-delete"
CONFIRM = "collected-confirm"      # the confirmation step: its question and two buttons
CONFIRM_DELETE = "collected-confirm-delete"
CANCEL_DELETE = "collected-cancel-delete"
CHANGED = "collected-changed"      # a counter a deletion bumps: the gallery and the scores are read again

# The inspector shows a saved drawing in the Draw tab's reading view, under ids of its own.
PANEL = ReadingPanel("collected-")
